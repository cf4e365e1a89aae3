//! `miragepot user add|passwd|remove|list`: the dashboard's analysts, kept in the store's
//! `users` table as argon2id hashes. Works without a running server; a password change or
//! removal takes effect at the analyst's next login (a running dashboard keeps logins in
//! memory until they expire or the analyst logs out).

use std::io::BufRead;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use miragepot_web::auth::password::{hash_password, random_password};

use crate::config::Config;
use crate::offline::with_store;

/// `miragepot user ...`.
#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Adds an analyst (a random password is printed unless --password-stdin).
    Add {
        /// The username.
        name: String,
        /// Read the password from the first line of stdin instead.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Sets an analyst's password (random and printed unless --password-stdin).
    Passwd {
        /// The username.
        name: String,
        /// Read the password from the first line of stdin instead.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Removes an analyst.
    Remove {
        /// The username.
        name: String,
    },
    /// Lists the analysts.
    List,
}

fn valid_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if !ok {
        bail!("{name:?}: a username is 1-64 characters of letters, digits, '.', '_', '-' or '@'");
    }
    Ok(())
}

/// The password to set: stdin's first line, or a random one (printed).
fn password(from_stdin: bool) -> Result<(String, bool)> {
    if !from_stdin {
        return Ok((random_password(), true));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from stdin")?;
    let pw = line.trim_end_matches(['\r', '\n']).to_string();
    if pw.chars().count() < 12 {
        bail!("the password must be at least 12 characters");
    }
    Ok((pw, false))
}

/// Runs one `user` command.
pub fn run(cfg: &Config, cmd: UserCmd) -> Result<()> {
    match cmd {
        UserCmd::Add {
            name,
            password_stdin,
        } => set(cfg, &name, password_stdin, true),
        UserCmd::Passwd {
            name,
            password_stdin,
        } => set(cfg, &name, password_stdin, false),
        UserCmd::Remove { name } => with_store(cfg, async |store| {
            if store.delete_user(&name).await? {
                println!("removed analyst {name}");
                Ok(())
            } else {
                bail!("no analyst {name:?}")
            }
        }),
        UserCmd::List => with_store(cfg, async |store| {
            for u in store.list_users().await? {
                println!("{u}");
            }
            Ok(())
        }),
    }
}

/// Adds (`adding`) or changes an analyst's password.
fn set(cfg: &Config, name: &str, from_stdin: bool, adding: bool) -> Result<()> {
    valid_name(name)?;
    let (pw, show) = password(from_stdin)?;
    let phc = hash_password(&pw).map_err(|e| anyhow::anyhow!("{e}"))?;
    with_store(cfg, async |store| {
        let exists = store.user_hash(name).await?.is_some();
        match (adding, exists) {
            (true, true) => bail!("analyst {name:?} exists (use `miragepot user passwd`)"),
            (false, false) => bail!("no analyst {name:?} (use `miragepot user add`)"),
            _ => {}
        }
        store.put_user(name, &phc).await?;
        Ok(())
    })?;
    if show {
        println!("analyst {name}: password {pw}");
    } else {
        println!("analyst {name}: password set");
    }
    Ok(())
}
