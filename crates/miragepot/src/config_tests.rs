//! Tests of the configuration: the example file, unknown keys, env overrides, bad values.

use super::*;

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn example_file_parses_to_the_defaults() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/miragepot.example.toml");
    let cfg = Config::load(Some(&path), &BTreeMap::new()).unwrap();
    assert_eq!(cfg, Config::default());
}

#[test]
fn unknown_keys_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.toml");
    std::fs::write(&p, "[ssh]\nlisten = \"127.0.0.1:22\"\nlsten = 1\n").unwrap();
    let err = format!(
        "{:#}",
        Config::load(Some(&p), &BTreeMap::new()).unwrap_err()
    );
    assert!(err.contains("lsten"), "{err}");
    std::fs::write(&p, "[shel]\n").unwrap();
    let err = format!(
        "{:#}",
        Config::load(Some(&p), &BTreeMap::new()).unwrap_err()
    );
    assert!(err.contains("shel"), "{err}");
}

#[test]
fn env_overrides_apply_and_are_checked() {
    let cfg = Config::load(
        None,
        &env(&[
            ("MIRAGEPOT_SSH_LISTEN", "127.0.0.1:2200"),
            ("MIRAGEPOT_SSH_MAX_CONNECTIONS", "7"),
            ("MIRAGEPOT_SENSOR_NAME", "s1"),
        ]),
    )
    .unwrap();
    assert_eq!(cfg.ssh.listen, "127.0.0.1:2200".parse().unwrap());
    assert_eq!(cfg.ssh.max_connections, 7);
    assert_eq!(cfg.sensor.name, "s1");
    let err = format!(
        "{:#}",
        Config::load(None, &env(&[("MIRAGEPOT_SSH_LISTN", "x")])).unwrap_err()
    );
    assert!(err.contains("listn"), "{err}");
    assert!(
        Config::load(
            None,
            &env(&[
                ("MIRAGEPOT_CONFIG", "x"),
                ("MIRAGEPOT_TEST_POSTGRES_URL", "y")
            ])
        )
        .is_ok()
    );
}

#[test]
fn bad_values_are_clear_errors() {
    let err = format!(
        "{:#}",
        Config::load(None, &env(&[("MIRAGEPOT_STORE_URL", "mysql://x")])).unwrap_err()
    );
    assert!(err.contains("store.url"), "{err}");
    let err = format!(
        "{:#}",
        Config::load(None, &env(&[("MIRAGEPOT_AUTH_MODE", "open")])).unwrap_err()
    );
    assert!(err.contains("open") && err.contains("hybrid"), "{err}");
    let err = format!(
        "{:#}",
        Config::load(None, &env(&[("MIRAGEPOT_AUTH_BAIT", "[\"root\"]")])).unwrap_err()
    );
    assert!(err.contains("auth.bait"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.toml");
    std::fs::write(
        &p,
        "[auth]\nmode = \"hybrid\"\n[[auth.rules]]\nuser = \"root\"\npassword_regex = \"(\"\n",
    )
    .unwrap();
    let err = format!(
        "{:#}",
        Config::load(Some(&p), &BTreeMap::new()).unwrap_err()
    );
    assert!(err.contains("auth.rules[0].password_regex"), "{err}");
}
