// Package htmlreport writes the HTML face of a `siglab run --report DIR`
// report and checks it in a real browser.
//
// Pages. DIR/index.html holds the verdict table (one row per scenario
// that ran, each linking to its page), the coverage matrix and links to
// the run's files (junit.xml, summary.json, matrix.*). DIR/<scenario>/
// index.html holds the scenario's summary, its picture (package picture,
// inlined, and written beside the page as picture.svg, with the
// picture's Summary as picture.json), the expectations missed and met
// with their explanations, the reference detector's findings with their
// evidence, the detectors under test, nmap's output, and links to the
// capture files and ../junit.xml. Pages are self-contained: the CSS is
// embedded in each page (assets/report.css, compiled in with embed), no
// script, no URL outside DIR, so a report opens from the file system,
// reads in a narrow window and prints (a @media print block).
//
// Writing. Every file is written whole or not at all
// (capture.WriteFileAtomic), as the rest of the report is.
//
// Checking. Links resolves every href and src of every page
// to a file in DIR. Start starts headless Chromium (chromedp;
// FindBrowser finds Debian's chromium-headless-shell or chromium);
// Inspect opens the pages in a tab of it and records what the browser
// drew: the rows, each picture's rendered box, its drawn elements and
// texts, what a narrow window and print media show, console errors and
// any request leaving DIR. Verify compares that with summary.json and
// each picture.json; Screenshots saves PNGs of the index and of a
// scenario page into DIR/screenshots; PrintPDF prints a page.
//
// Who owns what: the package reads verifier's results and the report
// files verifier wrote; nothing but cmd/siglab imports it.
package htmlreport
