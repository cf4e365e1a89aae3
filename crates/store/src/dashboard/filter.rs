//! [`SessionFilter`], the dashboard's session search, and its translation to a SQL `WHERE`
//! clause with bound parameters.
//!
//! # Design
//! - Every value is a bound parameter (`$N`); the SQL text is built from constants only.
//!   Substring searches escape the LIKE wildcards (`%`, `_` and the escape character `\`)
//!   and say `ESCAPE '\'`, so a `%` typed by an analyst matches a literal `%`.
//! - Text values are trimmed (but username and password, which attackers pad, are compared
//!   as given), and a blank one is no condition (a web form sends `?user=`); NUL becomes
//!   U+FFFD, as on write (PostgreSQL `TEXT` cannot hold NUL).
//! - Substring matches compare `LOWER(column)` with `LOWER(needle)`: case-insensitive for
//!   ASCII on SQLite, for all of Unicode on PostgreSQL.
//! - The command search reads `sessions.command_text` (migration 0007: the session's
//!   command lines, each after a `\n`, kept by the writer up to
//!   [`COMMAND_TEXT_MAX`](crate::write::COMMAND_TEXT_MAX) characters): one pass over the
//!   sessions, whose cost does not grow with the command events. A session whose text
//!   reached the cap is also searched in its own `command_input` events (index
//!   `events_session_ts`), so a line past the cap is still found. A needle holding a
//!   newline could match across two lines of that text, so it searches the events instead:
//!   ONE pass over the window's `command_input` events (index `events_type_ts`). The events
//!   are read through a JSON function that yields NULL for a row that is not JSON
//!   (`json_valid` on SQLite, `miragepot_json_text` from migration 0004 on PostgreSQL, which
//!   catches the cast's error in a subtransaction and is therefore `PARALLEL UNSAFE`, since
//!   0005): a hand-edited row, or a line holding NUL, never fails the query.
//!
//! # Limits
//! `sessions` and `exclude` hold at most [`MAX_IDS`] ids each.

use miragepot_event::SessionId;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

use crate::write::{COMMAND_TEXT_MAX, clean};
use crate::{Backend, IpRange, StoreError};

/// The most session ids `sessions` or `exclude` may name.
pub const MAX_IDS: usize = 1000;

/// Which sessions to list or count; every field set is one more condition (AND).
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// Started at or after (unix microseconds).
    pub since_us: Option<i64>,
    /// Started strictly before (unix microseconds).
    pub until_us: Option<i64>,
    /// The attacker's address is in this block.
    pub ip: Option<IpRange>,
    /// The username of the session's successful login (exact).
    pub username: Option<String>,
    /// The password of the session's successful login (exact).
    pub password: Option<String>,
    /// A substring of any `command_input` line of the session (case-insensitive).
    pub command: Option<String>,
    /// An ATT&CK technique id the session showed; `T1110` also matches `T1110.001`.
    pub technique: Option<String>,
    /// The furthest stage (`discovery`, `persistence`, ...; exact).
    pub stage: Option<String>,
    /// The risk band (`low`, `medium`, `high`, `critical`).
    pub risk_band: Option<String>,
    /// An analyst's tag on the session (exact).
    pub tag: Option<String>,
    /// The client's HASSH (exact).
    pub hassh: Option<String>,
    /// A substring of the client's identification line (case-insensitive).
    pub client_version: Option<String>,
    /// `true`: at least one download; `false`: none.
    pub has_download: Option<bool>,
    /// `true`: touched at least one honeytoken; `false`: none.
    pub has_token: Option<bool>,
    /// The sensor that saw it (exact).
    pub sensor: Option<String>,
    /// Only these sessions (an empty list matches nothing).
    pub sessions: Option<Vec<SessionId>>,
    /// Never these sessions.
    pub exclude: Vec<SessionId>,
}

/// A bound value.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Int(i64),
    Text(String),
}

/// SQL text under construction, with its parameters in `$N` order.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    text: String,
    params: Vec<Param>,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Sql {
        Sql {
            text: text.to_owned(),
            params: Vec::new(),
        }
    }

    /// Appends SQL text (constants only).
    pub(crate) fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `p`.
    pub(crate) fn param(&mut self, p: Param) -> &mut Sql {
        self.params.push(p);
        self.text.push('$');
        self.text.push_str(&self.params.len().to_string());
        self
    }

    /// The query, with its parameters bound.
    ///
    /// Not a cached prepared statement: each run is planned for its values (PostgreSQL
    /// would otherwise settle on one generic plan per text, blind to how selective a
    /// filter value is).
    pub(crate) fn query(&self) -> Query<'static, sqlx::Any, AnyArguments> {
        // The text is built from constants and placeholder numbers only.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(self.text.clone())).persistent(false);
        for p in &self.params {
            q = match p {
                Param::Int(i) => q.bind(*i),
                Param::Text(s) => q.bind(s.clone()),
            };
        }
        q
    }
}

/// A SQL expression reading text field `key` (a constant) of the JSON in column `col`;
/// NULL when the column is not JSON.
pub(crate) fn json_text(backend: Backend, col: &str, key: &str) -> String {
    match backend {
        Backend::Sqlite => {
            format!("(CASE WHEN json_valid({col}) THEN json_extract({col}, '$.{key}') END)")
        }
        Backend::Postgres => format!("miragepot_json_text({col}, '{key}')"),
    }
}

/// `s` with the LIKE wildcards escaped for `ESCAPE '\'`.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A trimmed, NUL-free filter text; `None` when blank.
fn text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(clean)
}

/// A NUL-free filter text as given (credentials may have edge spaces); `None` when blank.
fn exact(v: &Option<String>) -> Option<String> {
    v.as_deref().filter(|s| !s.trim().is_empty()).map(clean)
}

impl SessionFilter {
    /// Appends ` WHERE ...` (or nothing, for an empty filter) to `sql`.
    pub(crate) fn write_where(
        &self,
        op: &'static str,
        backend: Backend,
        sql: &mut Sql,
    ) -> Result<(), StoreError> {
        let mut first = true;
        let mut and = |sql: &mut Sql| {
            sql.push(if first { " WHERE " } else { " AND " });
            first = false;
        };
        if let Some(us) = self.since_us {
            and(sql);
            sql.push("started_us >= ").param(Param::Int(us));
        }
        if let Some(us) = self.until_us {
            and(sql);
            sql.push("started_us < ").param(Param::Int(us));
        }
        if let Some(range) = &self.ip {
            let (lo, hi) = range.keys();
            and(sql);
            sql.push("ip_key >= ")
                .param(Param::Text(lo))
                .push(" AND ip_key <= ")
                .param(Param::Text(hi));
        }
        let exact = [
            ("username", exact(&self.username)),
            ("password", exact(&self.password)),
            ("stage", text(&self.stage).map(|s| s.to_ascii_lowercase())),
            (
                "risk_band",
                text(&self.risk_band).map(|s| s.to_ascii_lowercase()),
            ),
            ("hassh", text(&self.hassh).map(|s| s.to_ascii_lowercase())),
            ("sensor", text(&self.sensor)),
        ];
        for (col, value) in exact {
            if let Some(v) = value {
                and(sql);
                sql.push(col).push(" = ").param(Param::Text(v));
            }
        }
        if let Some(needle) = text(&self.command) {
            and(sql);
            let pattern = format!("%{}%", like_escape(&needle));
            if needle.contains('\n') {
                // `command_text` joins lines with `\n`: only the events tell where a line ends.
                command_scan(backend, sql, self.since_us, pattern);
            } else {
                sql.push("(LOWER(command_text) LIKE LOWER(")
                    .param(Param::Text(pattern.clone()))
                    .push(") ESCAPE '\\' OR (LENGTH(command_text) >= ")
                    .push(&COMMAND_TEXT_MAX.to_string())
                    .push(" AND EXISTS (SELECT 1 FROM events e WHERE e.session = sessions.session")
                    .push(" AND e.type = 'command_input'");
                input_like(backend, sql, pattern);
                sql.push(")))");
            }
        }
        if let Some(id) = text(&self.technique).map(|s| s.to_ascii_uppercase()) {
            let id = like_escape(&id);
            and(sql);
            sql.push("(techniques LIKE ")
                .param(Param::Text(format!("%,{id},%")))
                .push(" ESCAPE '\\'");
            if !id.contains('.') {
                // A parent technique also matches its sub-techniques.
                sql.push(" OR techniques LIKE ")
                    .param(Param::Text(format!("%,{id}.%")))
                    .push(" ESCAPE '\\'");
            }
            sql.push(")");
        }
        if let Some(tag) = text(&self.tag) {
            and(sql);
            sql.push(
                "EXISTS (SELECT 1 FROM session_tags t WHERE t.session = sessions.session \
                 AND t.tag = ",
            )
            .param(Param::Text(tag))
            .push(")");
        }
        if let Some(needle) = text(&self.client_version) {
            and(sql);
            sql.push("LOWER(client_version) LIKE LOWER(")
                .param(Param::Text(format!("%{}%", like_escape(&needle))))
                .push(") ESCAPE '\\'");
        }
        for (col, want) in [("downloads", self.has_download), ("tokens", self.has_token)] {
            if let Some(want) = want {
                and(sql);
                sql.push(col).push(if want { " > 0" } else { " = 0" });
            }
        }
        if let Some(ids) = &self.sessions {
            and(sql);
            id_list(op, sql, "session IN (", ids)?;
        }
        if !self.exclude.is_empty() {
            and(sql);
            id_list(op, sql, "session NOT IN (", &self.exclude)?;
        }
        Ok(())
    }
}

/// `session IN (...)`: the sessions with a `command_input` line LIKE `pattern`, by ONE pass
/// over the window's command events.
fn command_scan(backend: Backend, sql: &mut Sql, since_us: Option<i64>, pattern: String) {
    sql.push("session IN (SELECT e.session FROM events e WHERE e.type = 'command_input'");
    if let Some(us) = since_us {
        // A session's events are not older than its start.
        sql.push(" AND e.ts_us >= ").param(Param::Int(us));
    }
    input_like(backend, sql, pattern);
    sql.push(")");
}

/// ` AND` the `input` of command event `e` is LIKE `pattern` (case-insensitive).
fn input_like(backend: Backend, sql: &mut Sql, pattern: String) {
    sql.push(" AND LOWER(")
        .push(&json_text(backend, "e.data", "input"))
        .push(") LIKE LOWER(")
        .param(Param::Text(pattern))
        .push(") ESCAPE '\\'");
}

/// `head $1, $2, ...)` for `ids`; `1 = 0` for an empty `IN` list (matches nothing).
fn id_list(
    op: &'static str,
    sql: &mut Sql,
    head: &str,
    ids: &[SessionId],
) -> Result<(), StoreError> {
    if ids.len() > MAX_IDS {
        return Err(StoreError::InvalidArgument {
            op,
            reason: format!("{} session ids (at most {MAX_IDS})", ids.len()),
        });
    }
    if ids.is_empty() {
        sql.push("1 = 0");
        return Ok(());
    }
    sql.push(head);
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.param(Param::Text(id.to_string()));
    }
    sql.push(")");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_escape(r"50%_off\x"), r"50\%\_off\\x");
        assert_eq!(like_escape("plain"), "plain");
    }

    #[test]
    fn values_never_reach_the_sql_text() {
        let f = SessionFilter {
            username: Some("root'; DROP TABLE sessions; --".into()),
            command: Some("' OR 1=1 --".into()),
            technique: Some("t1110".into()),
            sensor: Some("   ".into()),
            ..SessionFilter::default()
        };
        let mut sql = Sql::new("SELECT 1 FROM sessions");
        f.write_where("test", Backend::Sqlite, &mut sql).unwrap();
        assert!(
            !sql.text.contains("DROP") && !sql.text.contains("OR 1=1"),
            "{}",
            sql.text
        );
        assert!(
            !sql.text.contains("sensor"),
            "a blank value is no condition"
        );
        assert_eq!(sql.params.len(), 5, "the command pattern is bound twice");
        assert!(matches!(&sql.params[3], Param::Text(t) if t == "%,T1110,%"));
    }

    #[test]
    fn too_many_ids_is_an_error() {
        let f = SessionFilter {
            exclude: vec![SessionId(uuid::Uuid::nil()); MAX_IDS + 1],
            ..SessionFilter::default()
        };
        let err = f
            .write_where("test", Backend::Postgres, &mut Sql::default())
            .unwrap_err();
        assert!(matches!(err, StoreError::InvalidArgument { .. }), "{err}");
    }
}
