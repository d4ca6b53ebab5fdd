//! `polyhook new`: create a bin and save its tokens.

use crate::api::Api;
use crate::args::NewArgs;
use crate::bin_ref::{choose_base, DEFAULT_BASE};
use crate::error::CliError;
use crate::home;
use crate::saved::{self, SavedBin};

/// Creates the bin, saves it (`0600`) and prints how to use it.
pub async fn run(args: NewArgs) -> Result<(), CliError> {
    let base = choose_base(args.base.as_deref(), None, None);
    let api = Api::new(&base, None)?;
    let made = api.create_bin(args.private).await?;
    let record = SavedBin {
        id: made.id.clone(),
        base: base.clone(),
        ingest_url: made.ingest_url.clone(),
        delete_token: made.delete_token.clone(),
        read_token: made.read_token.clone(),
        expires_at: made.expires_at.clone(),
    };
    let path = saved::save(&home::bins_dir()?, &record)?;
    let base_flag = if base == DEFAULT_BASE { String::new() } else { format!(" --base {base}") };
    let listen = format!("polyhook listen {}{base_flag} --to http://localhost:3000/webhooks", made.id);
    if args.json {
        let out = serde_json::json!({
            "id": made.id, "ingest_url": made.ingest_url, "expires_at": made.expires_at,
            "private": made.read_token.is_some(), "saved": path, "listen": listen,
        });
        println!("{out}");
        return Ok(());
    }
    let kind = if made.read_token.is_some() { "private bin" } else { "bin" };
    println!("{kind} {}", made.id);
    println!("  ingest   {}", made.ingest_url);
    println!("  expires  {}", made.expires_at);
    println!("  tokens   saved to {} (readable by you only)", path.display());
    println!("  forward  {listen}");
    Ok(())
}
