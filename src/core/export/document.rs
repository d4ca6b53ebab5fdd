//! An export document written piece by piece: HAR 1.2 is one JSON object
//! whose `entries` array is filled as captures are read; NDJSON is one
//! capture detail (with `body_b64`) per line.

use super::har;
use crate::core::capture::model::Capture;
use crate::core::http::error::ApiError;
use crate::core::http::query::param;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// HTTP Archive 1.2.
    Har,
    /// Newline-delimited JSON.
    Ndjson,
}

impl Format {
    /// The `format` parameter (`har` or `ndjson`), HAR when absent.
    pub fn from_query(query: &str) -> Result<Format, ApiError> {
        match param(query, "format").as_deref() {
            None | Some("har") => Ok(Format::Har),
            Some("ndjson") => Ok(Format::Ndjson),
            Some(other) => Err(ApiError::bad_request("invalid format")
                .with_details(format!("format must be har or ndjson, got {other:?}"))),
        }
    }

    /// The response's media type.
    pub fn content_type(self) -> &'static str {
        match self {
            // HAR has no registered media type; it is JSON.
            Format::Har => "application/json; charset=utf-8",
            Format::Ndjson => "application/x-ndjson; charset=utf-8",
        }
    }

    /// The `Content-Disposition` that names the file after the bin.
    pub fn disposition(self, bin: &str) -> String {
        let ext = match self {
            Format::Har => "har",
            Format::Ndjson => "ndjson",
        };
        format!("attachment; filename=\"polyhook-{bin}.{ext}\"")
    }
}

/// Writes one export of bin `bin`.
#[derive(Debug, Clone)]
pub struct Document {
    format: Format,
    bin: String,
    ingest_base: String,
    entries: u64,
}

impl Document {
    /// A document of `format` for bin `bin`, whose public base URL is `base_url`.
    pub fn new(format: Format, bin: &str, base_url: &str) -> Document {
        let ingest_base = format!("{}/v1/bins/{bin}/in", base_url.trim_end_matches('/'));
        Document { format, bin: bin.to_string(), ingest_base, entries: 0 }
    }

    /// What comes before the first entry.
    pub fn head(&self) -> Vec<u8> {
        match self.format {
            Format::Har => {
                let creator = serde_json::json!({"name": "polyhook-rs", "version": env!("CARGO_PKG_VERSION")});
                format!(r#"{{"log":{{"version":"1.2","creator":{creator},"entries":["#).into_bytes()
            }
            Format::Ndjson => Vec::new(),
        }
    }

    /// Appends `capture` with its body to `out`.
    pub fn entry(&mut self, capture: &Capture, body: &[u8], out: &mut Vec<u8>) -> Result<(), ApiError> {
        let encode = |e: serde_json::Error| ApiError::internal(format!("export {}: {e}", capture.seq));
        match self.format {
            Format::Har => {
                if self.entries > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, &har::entry(&self.bin, &self.ingest_base, capture, body))
                    .map_err(encode)?;
            }
            Format::Ndjson => {
                serde_json::to_writer(&mut *out, &capture.view(&self.bin, Some(body))).map_err(encode)?;
                out.push(b'\n');
            }
        }
        self.entries += 1;
        Ok(())
    }

    /// What comes after the last entry.
    pub fn tail(&self) -> Vec<u8> {
        match self.format {
            Format::Har => b"]}}\n".to_vec(),
            Format::Ndjson => Vec::new(),
        }
    }

    /// What ends a document cut short for `why`, so its reader can tell:
    /// a HAR stays unterminated (no JSON parser accepts it); NDJSON gets a
    /// last line in the `Error` shape with the code `export_ended`.
    pub fn cut_short(&self, why: &str) -> Vec<u8> {
        match self.format {
            Format::Har => Vec::new(),
            Format::Ndjson => {
                let line = serde_json::json!({ "error": "export ended early", "details": why, "code": "export_ended" });
                format!("{line}\n").into_bytes()
            }
        }
    }

    /// Entries written so far.
    pub fn entries(&self) -> u64 {
        self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture(seq: u64, body: &[u8]) -> Capture {
        let mut c = Capture::sample(seq, body.len() as u64);
        c.query = "a=1&b=x%20y".into();
        c.content_type = Some("application/json".into());
        c.headers.insert("content-type".into(), "application/json".into());
        c
    }

    fn write(format: Format, bodies: &[&[u8]]) -> Vec<u8> {
        let mut doc = Document::new(format, "k3p9q2x7m1nb", "https://hooks.example/");
        let mut out = doc.head();
        for (i, b) in bodies.iter().enumerate() {
            doc.entry(&capture(i as u64 + 1, b), b, &mut out).unwrap();
        }
        out.extend(doc.tail());
        out
    }

    #[test]
    fn har_is_one_json_document() {
        for bodies in [&[][..], &[&b"{}"[..]][..], &[&b"{}"[..], &[0xff, 0x00][..]][..]] {
            let v: serde_json::Value = serde_json::from_slice(&write(Format::Har, bodies)).unwrap();
            assert_eq!(v["log"]["version"], "1.2");
            assert_eq!(v["log"]["entries"].as_array().unwrap().len(), bodies.len());
        }
        let v: serde_json::Value = serde_json::from_slice(&write(Format::Har, &[b"{}", &[0xff]])).unwrap();
        let first = &v["log"]["entries"][0];
        assert_eq!(first["request"]["url"], "https://hooks.example/v1/bins/k3p9q2x7m1nb/in/?a=1&b=x%20y");
        assert_eq!(first["request"]["queryString"][1], serde_json::json!({"name": "b", "value": "x y"}));
        assert_eq!(first["request"]["postData"]["text"], "{}");
        assert_eq!(first["response"]["status"], 202);
        assert_eq!(first["_id"], "k3p9q2x7m1nb-1");
        let binary = &v["log"]["entries"][1]["request"]["postData"];
        assert_eq!((binary["text"].as_str(), binary["encoding"].as_str()), (Some("/w=="), Some("base64")));
    }

    #[test]
    fn ndjson_is_one_detail_per_line() {
        let out = String::from_utf8(write(Format::Ndjson, &[b"a", b"b"])).unwrap();
        let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["body_b64"], "Yg==");
        assert!(out.ends_with('\n'));
    }

    #[test]
    fn a_document_cut_short_says_so() {
        let doc = Document::new(Format::Ndjson, "k3p9q2x7m1nb", "https://hooks.example/");
        let line: serde_json::Value = serde_json::from_slice(&doc.cut_short("the bin was deleted")).unwrap();
        assert_eq!(line["code"], "export_ended");
        assert_eq!(line["details"], "the bin was deleted");
        assert!(Document::new(Format::Har, "k3p9q2x7m1nb", "https://h/").cut_short("x").is_empty());
    }

    #[test]
    fn format_parameter() {
        assert_eq!(Format::from_query("").unwrap(), Format::Har);
        assert_eq!(Format::from_query("format=ndjson").unwrap(), Format::Ndjson);
        assert_eq!(Format::from_query("format=csv").unwrap_err().status(), 400);
        assert_eq!(Format::Har.disposition("abc"), "attachment; filename=\"polyhook-abc.har\"");
    }
}
