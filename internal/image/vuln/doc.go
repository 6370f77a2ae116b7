// Package vuln reads vulnerability reports made by scanners (kubestride is
// not a scanner of its own) and VEX documents, and normalises them to one
// model: the image digests a report names, when it was made, and its
// findings (vulnerability ID, package, installed and fixed version,
// severity).
//
// Reports: Trivy JSON (trivy image -f json), Grype JSON (grype -o json),
// SARIF 2.1.0 (Trivy's, or any tool's with rule IDs and security-severity or
// level), and CycloneDX JSON 1.4 to 1.6 with a vulnerabilities array. The
// format is detected from the content, never from the file name.
//
// VEX: OpenVEX JSON (v0.0.1 and v0.2.0) and CycloneDX VEX. A statement
// marks a vulnerability as not affecting a product named by its digest or
// by a purl pkg:oci/NAME@sha256:... (or pkg:docker/...).
//
// Errors name the file and the field: "r.json: Results[2].Vulnerabilities[0].Severity:
// unknown severity \"SEVERE\"". Parsing is pure: Load* read a file, Parse*
// take bytes.
package vuln
