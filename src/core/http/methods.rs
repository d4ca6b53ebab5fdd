//! Which methods a route accepts, for 405 answers, `Allow` and preflights.

/// Which methods a path accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Methods {
    /// Exactly these (HEAD is implied wherever GET is listed).
    Only(&'static [&'static str]),
    /// Every method: the ingest path captures whatever arrives.
    Any,
}

/// `GET` (and so `HEAD`) only.
pub const GET: Methods = Methods::Only(&["GET"]);
/// `POST` only.
pub const POST: Methods = Methods::Only(&["POST"]);
/// `DELETE` only.
pub const DELETE: Methods = Methods::Only(&["DELETE"]);

impl Methods {
    /// True if `method` (uppercase) is accepted.
    pub fn allows(self, method: &str) -> bool {
        match self {
            Methods::Any => true,
            Methods::Only(list) => list.contains(&method) || (method == "HEAD" && list.contains(&"GET")),
        }
    }

    /// The value of an `Allow` header (also used for CORS preflights).
    pub fn allow_header(self) -> String {
        match self {
            Methods::Any => "*".to_string(),
            Methods::Only(list) => {
                let mut all: Vec<&str> = list.to_vec();
                if all.contains(&"GET") {
                    all.push("HEAD");
                }
                all.push("OPTIONS");
                all.join(", ")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_follows_get() {
        assert!(GET.allows("HEAD") && GET.allows("GET") && !GET.allows("POST"));
        assert!(!POST.allows("HEAD"));
        assert!(Methods::Any.allows("PROPFIND"));
    }

    #[test]
    fn allow_header_lists_options() {
        assert_eq!(GET.allow_header(), "GET, HEAD, OPTIONS");
        assert_eq!(DELETE.allow_header(), "DELETE, OPTIONS");
        assert_eq!(Methods::Any.allow_header(), "*");
    }
}
