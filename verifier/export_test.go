package verifier

// Substitute is substitute, for the external test package.
var Substitute = substitute
