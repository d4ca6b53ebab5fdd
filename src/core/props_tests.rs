//! Property tests over the pure parsers: arbitrary input never panics, and
//! whatever round-trips does.

use crate::core::bin::ids::{parse_request_id, request_id, MAX_SAFE_SEQ};
use crate::core::capture::namespace::{path_key, Namespace};
use crate::core::config::Config;
use crate::core::http::cursor;
use crate::core::http::query::param;
use crate::core::http::route::{match_path, resolve};
use crate::core::limits::client::client_key;
use crate::core::replay::order;
use crate::core::stream::resume::{asked, plan, Asked};
use crate::core::weburl::native;
use proptest::prelude::*;

const BIN: &str = "k3p9q2x7m1nb";

proptest! {
    #[test]
    fn routes_never_panic(method in "[A-Z]{1,10}", path in "\\\\PC{0,80}") {
        let _ = resolve(&method, &path);
        let _ = match_path(&path);
    }

    #[test]
    fn bin_paths_resolve_to_their_bin(sub in "(/[a-z0-9%._~-]{0,12}){0,4}") {
        let route = resolve("POST", &format!("/v1/bins/{BIN}/in{sub}")).unwrap();
        prop_assert_eq!(route.bin(), Some(BIN));
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_400(seq in 1..=MAX_SAFE_SEQ, junk in "\\\\PC{0,200}") {
        prop_assert_eq!(cursor::decode(&cursor::encode(seq)).unwrap(), seq);
        if let Err(e) = cursor::decode(&junk) {
            prop_assert_eq!(e.status(), 400);
        }
    }

    #[test]
    fn request_ids_round_trip(seq in 1..=MAX_SAFE_SEQ, junk in "\\\\PC{0,40}") {
        prop_assert_eq!(parse_request_id(BIN, &request_id(BIN, seq)).unwrap(), seq);
        if let Err(e) = parse_request_id(BIN, &junk) {
            prop_assert_eq!(e.status(), 404);
        }
    }

    #[test]
    fn last_event_ids_never_panic_and_both_forms_agree(seq in 0..=MAX_SAFE_SEQ, junk in "\\\\PC{0,80}", next in 1..1000u64) {
        prop_assert_eq!(asked(BIN, Some(&seq.to_string()), None), Asked::After(seq));
        prop_assert_eq!(asked(BIN, Some(&format!("{BIN}-{seq}")), None), Asked::After(seq));
        let a = asked(BIN, Some(&junk), Some(&junk));
        if let Ok(start) = plan(&a, next, Some(1)) {
            prop_assert!(start.backlog_after < start.live_from);
        }
    }

    #[test]
    fn query_params_never_panic_and_find_what_was_encoded(value in "\\\\PC{0,40}", junk in "\\\\PC{0,120}") {
        let _ = param(&junk, "x");
        let encoded: String = url::form_urlencoded::Serializer::new(String::new()).append_pair("x", &value).finish();
        prop_assert_eq!(param(&encoded, "x"), Some(value));
    }

    #[test]
    fn namespaces_contain_their_own_paths(segments in proptest::collection::vec("[a-zA-Z0-9 é%._-]{1,8}", 1..4), junk in "\\\\PC{0,60}") {
        let path = format!("/{}", segments.join("/"));
        let ns = Namespace::new(&path);
        prop_assert!(ns.contains(&path_key(&path)));
        prop_assert!(Namespace::root().contains(&path_key(&junk)));
        let _ = Namespace::from_query(&junk);
    }

    #[test]
    fn replay_orders_never_panic(body in proptest::collection::vec(any::<u8>(), 0..200), url in "\\\\PC{0,60}") {
        let own = [native("http://127.0.0.1:8787").unwrap()];
        let _ = order::parse(&body, &own, native);
        let json = serde_json::json!({ "target_url": url, "max_retries": 1 }).to_string();
        if let Err(e) = order::parse(json.as_bytes(), &own, native) {
            prop_assert_eq!(e.status(), 400);
        }
    }

    #[test]
    fn config_rejects_by_name_and_never_panics(name in "[A-Z_]{3,30}", value in "\\\\PC{0,20}") {
        let known = ["MAX_BODY_BYTES", "BIN_TTL_SECONDS", "SSE_QUEUE_BYTES", "PUBLIC_URL", "REPLAY_MAX_PENDING"];
        for var in known.iter().copied().chain([name.as_str()]) {
            if let Err(e) = Config::from_lookup(|k| (k == var).then(|| value.clone()), native) {
                prop_assert!(e.details.unwrap_or_default().contains(var));
            }
        }
    }

    #[test]
    fn client_keys_never_panic(raw in "\\\\PC{0,80}", a in any::<u16>(), b in any::<u16>()) {
        let _ = client_key(Some(&raw));
        let one = client_key(Some(&format!("2001:db8:1:2:{a:x}::1")));
        let two = client_key(Some(&format!("2001:db8:1:2::{b:x}")));
        prop_assert_eq!(one, two);
    }
}
