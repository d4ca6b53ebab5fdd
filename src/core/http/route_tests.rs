use super::*;

const BIN: &str = "k3p9q2x7m1nb";

fn bin(route: BinRoute) -> Route {
    Route::Bin { bin: BIN.into(), route }
}

#[test]
fn resolves_fixed_routes() {
    assert_eq!(resolve("GET", "/healthz"), Ok(Route::Health));
    assert_eq!(resolve("HEAD", "/healthz"), Ok(Route::Health));
    assert_eq!(resolve("GET", "/metrics"), Ok(Route::Metrics));
    assert_eq!(resolve("GET", "/"), Ok(Route::Asset { path: "/".into() }));
    assert_eq!(resolve("POST", "/").unwrap_err().status(), 405);
    assert_eq!(resolve("POST", "/v1/bins"), Ok(Route::CreateBin));
}

#[test]
fn resolves_bin_routes() {
    assert_eq!(resolve("DELETE", &format!("/v1/bins/{BIN}")), Ok(bin(BinRoute::Delete)));
    assert_eq!(resolve("GET", &format!("/v1/bins/{BIN}/requests")), Ok(bin(BinRoute::ListRequests)));
    assert_eq!(
        resolve("GET", &format!("/v1/bins/{BIN}/requests/r1/raw")),
        Ok(bin(BinRoute::GetRaw { rid: "r1".into() }))
    );
}

#[test]
fn resolves_verification_and_export_routes() {
    assert_eq!(resolve("PUT", &format!("/v1/bins/{BIN}/verify")), Ok(bin(BinRoute::Verify)));
    assert_eq!(resolve("GET", &format!("/v1/bins/{BIN}/verify")), Ok(bin(BinRoute::Verify)));
    assert_eq!(resolve("POST", &format!("/v1/bins/{BIN}/verify")).unwrap_err().status(), 405);
    assert_eq!(
        resolve("POST", &format!("/v1/bins/{BIN}/requests/r1/verify")),
        Ok(bin(BinRoute::Reverify { rid: "r1".into() }))
    );
    for path in ["export", "export.har"] {
        assert_eq!(resolve("GET", &format!("/v1/bins/{BIN}/{path}")), Ok(bin(BinRoute::Export)));
    }
    assert_eq!(resolve("GET", &format!("/v1/bins/{BIN}/export.zip")).unwrap_err().status(), 404);
    assert!(BinRoute::Export.reads_bin() && BinRoute::Reverify { rid: "r".into() }.reads_bin());
    assert!(!BinRoute::Verify.reads_bin(), "verifiers check their credential per method");
}

#[test]
fn ingest_takes_any_method_and_keeps_the_sub_path() {
    for (path, sub) in [("/in", "/"), ("/in/", "/"), ("/in/github/push", "/github/push"), ("/in//x", "//x")] {
        let route = resolve("PROPFIND", &format!("/v1/bins/{BIN}{path}")).unwrap();
        assert_eq!(route, bin(BinRoute::Ingest { sub_path: sub.into() }), "{path}");
    }
}

#[test]
fn ingest_prefix_must_be_a_whole_segment() {
    assert_eq!(resolve("POST", &format!("/v1/bins/{BIN}/inbox")).unwrap_err().status(), 404);
}

#[test]
fn wrong_method_is_405_with_allow() {
    let err = resolve("POST", &format!("/v1/bins/{BIN}/requests")).unwrap_err();
    assert_eq!(err.status(), 405);
    assert_eq!(err.headers, [("allow".to_string(), "GET, HEAD, OPTIONS".to_string())]);
    assert_eq!(resolve("GET", "/v1/bins").unwrap_err().status(), 405);
}

#[test]
fn unknown_paths_and_bad_bin_ids_are_404() {
    for path in [
        "/index.htm",
        "/v1",
        "/v1/bins/",
        "/v1/bins/SHORT/requests",
        "/v1/bins/k3p9q2x7m1nbX",
        "/v1/bins/k3p9q2x7m1nb/nope",
        "healthz",
        "/v1/bins/k3p9q2x7m1nb/requests/",
    ] {
        assert_eq!(resolve("GET", path).unwrap_err().status(), 404, "{path}");
    }
}

#[test]
fn labels_and_bins() {
    let route = resolve("GET", &format!("/v1/bins/{BIN}/requests/x")).unwrap();
    assert_eq!(route.bin(), Some(BIN));
    assert_eq!(route.label(), "get_request");
    assert_eq!(Route::Health.bin(), None);
}

#[test]
fn resolves_the_stream() {
    assert_eq!(resolve("GET", &format!("/v1/bins/{BIN}/stream")).unwrap(), bin(BinRoute::Stream));
    assert_eq!(resolve("POST", &format!("/v1/bins/{BIN}/stream")).unwrap_err().status(), 405);
    assert_eq!(resolve("POST", &format!("/v1/bins/{BIN}/stream-ticket")).unwrap(), bin(BinRoute::StreamTicket));
    assert!(BinRoute::StreamTicket.reads_bin(), "a ticket needs the read token");
}

#[test]
fn resolves_replay_routes() {
    let base = format!("/v1/bins/{BIN}");
    assert_eq!(
        resolve("POST", &format!("{base}/requests/r1/replay")),
        Ok(bin(BinRoute::StartReplay { rid: "r1".into() }))
    );
    assert_eq!(resolve("GET", &format!("{base}/replays")), Ok(bin(BinRoute::ListReplays)));
    assert_eq!(resolve("GET", &format!("/v1/replays/{BIN}-r3")), Ok(bin(BinRoute::GetReplay { n: 3 })));
    assert_eq!(resolve("POST", &format!("/v1/replays/{BIN}-r3/retry")), Ok(bin(BinRoute::RetryReplay { n: 3 })));
    assert_eq!(resolve("GET", &format!("/v1/replays/{BIN}-r3/retry")).unwrap_err().status(), 405);
    assert_eq!(resolve("GET", "/v1/replays/nope").unwrap_err().status(), 404);
}

#[test]
fn the_object_resolves_only_bin_routes() {
    assert_eq!(resolve_bin("GET", &format!("/v1/bins/{BIN}/stream")), Ok((BIN.into(), BinRoute::Stream)));
    assert_eq!(resolve_bin("GET", "/healthz").unwrap_err().status(), 404);
    assert_eq!(resolve_bin("GET", "/v1/bins").unwrap_err().status(), 405);
}

#[test]
fn reads_bin_excludes_ingest_and_delete() {
    assert!(BinRoute::ListRequests.reads_bin() && BinRoute::Stream.reads_bin());
    assert!(!BinRoute::Delete.reads_bin());
    assert!(!BinRoute::Ingest { sub_path: "/".into() }.reads_bin());
}
