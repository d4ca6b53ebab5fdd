//! Embeds the playground page (`public/`) into the Worker, so serving it
//! costs no extra hop through an assets router and its security headers are
//! set (and tested) in code. Writes `$OUT_DIR/assets.rs`: one entry per file.
//! `POLYHOOK_PUBLIC_DIR` names a minified copy of `public/` to embed instead
//! (the worker build makes one with `scripts/minify-public.mjs`).

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with(['.', '_'])) {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo:rerun-if-env-changed=POLYHOOK_PUBLIC_DIR");
    let public = match std::env::var("POLYHOOK_PUBLIC_DIR") {
        Ok(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => root.join("public"),
    };
    println!("cargo:rerun-if-changed={}", public.display());
    let mut found = Vec::new();
    files(&public, &mut found);
    found.sort();
    let mut code = String::from("/// Every file of `public/`, by URL path.\npub static FILES: &[(&str, &[u8])] = &[\n");
    for path in &found {
        let url = path.strip_prefix(&public).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
        let _ = writeln!(code, "    (\"/{url}\", include_bytes!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("assets.rs");
    if let Err(err) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {err}", out.display());
    }
}
