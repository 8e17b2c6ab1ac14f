package formats

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/siglab/siglab/external"
)

// maxLine bounds one line. Suricata's alerts with payload and packet
// logging and Snort 3's b64_data run to tens of kilobytes; a line past
// this is not output of these tools, and reading on would let one
// garbage line take unbounded memory.
const maxLine = 16 << 20

// errLong is the detail of a line over maxLine.
var errLong = fmt.Errorf("%w: line longer than %d MiB", ErrSyntax, maxLine>>20)

// lineReader hands out a reader's lines one at a time, reusing one
// buffer, and says whether each ended with a newline.
type lineReader struct {
	r   *bufio.Reader
	buf []byte
}

func newLineReader(r io.Reader) *lineReader {
	// bufio's default 4 KiB buffer: longer lines are put together
	// chunk by chunk in next.
	return &lineReader{r: bufio.NewReader(r)}
}

// next returns the next line without its "\n" (and a "\r" before it),
// whether it had the newline, and io.EOF after the last line. The
// returned slice is valid until the next call.
func (lr *lineReader) next() (line []byte, terminated bool, err error) {
	lr.buf = lr.buf[:0]
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if len(lr.buf)+len(chunk) > maxLine {
			return nil, false, errLong
		}
		lr.buf = append(lr.buf, chunk...)
		switch {
		case err == nil:
			line := bytes.TrimSuffix(lr.buf[:len(lr.buf)-1], []byte("\r"))
			return line, true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(lr.buf) == 0 {
				return nil, false, io.EOF
			}
			return bytes.TrimSuffix(lr.buf, []byte("\r")), false, nil
		default:
			return nil, false, err
		}
	}
}

// lineFunc reads one line (never blank) into a record; ok is false for a
// line that is not a record of interest (a header, another event type).
// A broken line gives an error wrapping ErrSyntax.
type lineFunc func(line string) (rec external.Record, ok bool, err error)

// parseLines runs parse over every line of r and collects the records.
// Blank lines are skipped; the first broken line, a last line without a
// newline or a read error ends the reading with a *LineError and the
// records before it.
func parseLines(r io.Reader, parse lineFunc) ([]external.Record, error) {
	var recs []external.Record
	lr := newLineReader(r)
	for n := 1; ; n++ {
		b, terminated, err := lr.next()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return recs, &LineError{Line: n, Err: err}
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		line := string(b) // a copy: nothing of the reader's buffer is kept
		if !terminated {
			return recs, &LineError{Line: n, Err: fmt.Errorf("%w: %s", ErrTruncated, excerpt(line))}
		}
		rec, ok, err := parse(line)
		if err != nil {
			return recs, &LineError{Line: n, Err: err}
		}
		if ok {
			rec.Raw = line
			recs = append(recs, rec)
		}
	}
}

// syntaxf is a broken line's error: ErrSyntax and what is wrong.
func syntaxf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrSyntax, fmt.Sprintf(format, args...))
}

// excerpt quotes the start of a line for an error message, on one line
// whatever the line holds.
func excerpt(line string) string {
	const max = 60
	if len(line) <= max {
		return fmt.Sprintf("%q", line)
	}
	return fmt.Sprintf("%q...", strings.ToValidUTF8(line[:max], ""))
}
