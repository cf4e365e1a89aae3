#!/usr/bin/env python3
"""Regenerates the "Top 300" table of docs/coverage.md from the attacker corpus.

Counts every command name the corpus runs (weighted by how many raw sessions sent that
sequence), and says how the debian12 persona handles each: a bash builtin or keyword, a
command of the emulator's table, a program the persona has but does not emulate, or a name
that is absent on Debian 12 (listed in docs/coverage.md, answered `command not found`).

The tokenizer is bash-like, not bash: quotes, `;` `&&` `||` `|` `&` `( )`, assignments and
redirections, keywords, `sh -c '...'` and `$( )`/backticks are followed; that is enough to
rank names. Run from the repository root:  python3 scripts/coverage.py
"""
import collections
import gzip
import json
import pathlib
import re
import shlex

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "crates/shell/tests/corpus/sessions.jsonl.gz"
DOC = ROOT / "docs/coverage.md"
BEGIN = "<!-- top300:begin (scripts/coverage.py) -->"
END = "<!-- top300:end -->"
KEYWORDS = {"if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "until",
            "case", "esac", "{", "}", "!", "[[", "]]", "function", "select", "time"}
SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", ";;", "|&", "\n"}
SYSTEM_DIRS = ("/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/")
SUBST = re.compile(r"\$\(([^()]*)\)|`([^`]*)`")


def names_in(line, depth=0):
    """Command names a line runs (first words of simple commands), recursively."""
    out = []
    if depth > 4:
        return out
    for m in SUBST.finditer(line):
        out += names_in(m.group(1) or m.group(2) or "", depth + 1)
    try:
        lex = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
        lex.whitespace = " \t\r"
        lex.wordchars += "$`{}[]!*?~=:,.-/+@%^#\\"
        toks = list(lex)
    except ValueError:
        toks = line.split()
    start = True
    skip_next = False
    i = 0
    while i < len(toks):
        t = toks[i]
        i += 1
        if skip_next:
            skip_next = False
            continue
        if t in SEPARATORS or set(t) <= set(";&|()"):
            start = True
            continue
        if t and set(t) <= set("<>"):
            skip_next = True  # the redirection target
            continue
        if not start:
            continue
        if t in KEYWORDS:
            continue
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", t) or re.fullmatch(r"\d+", t):
            continue  # assignment, or the fd number of a redirection
        out.append(t)
        start = False
        rest = toks[i:]
        base = t.rsplit("/", 1)[-1]
        if base in ("sh", "bash", "dash") and len(rest) >= 2 and rest[0] == "-c":
            out += names_in(rest[1], depth + 1)
    return out


def canonical(name):
    for d in SYSTEM_DIRS:
        if name.startswith(d) and "/" not in name[len(d):]:
            return name[len(d):]
    return name


def rust_names():
    names = set()
    for f in (ROOT / "crates/shell/src/commands").rglob("*.rs"):
        text = f.read_text()
        for m in re.finditer(r'fn name\(&self\) -> &\'static str \{\s*"([^"]+)"', text):
            names.add(m.group(1))
    return names


def builtins():
    text = (ROOT / "crates/shell/src/interp/builtins.rs").read_text()
    m = re.search(r"pub\(crate\) const BUILTINS: &\[&str\] = &\[(.*?)\];", text, re.S)
    return set(re.findall(r'"([^"]+)"', m.group(1))) if m else set()


def installed():
    have = set()
    for line in (ROOT / "personas/debian12/fs.manifest").read_text().splitlines():
        parts = line.split(" ")
        if len(parts) >= 8 and not line.startswith("#"):
            path = parts[7]
            for d in SYSTEM_DIRS:
                if path.startswith(d) and "/" not in path[len(d):]:
                    have.add(path[len(d):])
    return have


def absent():
    doc = DOC.read_text()
    sec = doc.split("## Absent on Debian 12", 1)[1].split("\n## ", 1)[0]
    items, on = [], False
    for line in sec.splitlines():
        on = line.startswith("- ") or (on and line.startswith("  "))
        if on:
            items.append(line)
    return set("\n".join(items).split("`")[1::2])


# Programs the interpreter runs itself because they run another command.
INTERP_PROGRAMS = {"sudo", "su", "nohup", "timeout"}
# Programs that are shell scripts shipped with the persona.
SCRIPTS = {"fgrep", "egrep"}

# Why, by handling, when a name has no note of its own.
WHY = {
    "emulated": "present on Debian 12; formats, errors and exit codes of the real tool",
    "bash builtin": "part of bash, run by the interpreter",
    "absent on Debian 12": "a real Debian 12 box lacks it too, so bash's answer is the real one",
    "not on the box": "no system has it (typo, junk, HTTP header lines typed at a shell)",
    "installed, not emulated": "on the box but rare in the corpus; issue 6 hands it to the LLM",
    "shell": "sh is dash on Debian; bash and dash run in the same interpreter",
}

NOTES = {
    "busybox": "not installed on Debian 12: `/bin/busybox X` gives `No such file or directory`",
    "sh": "dash, as on Debian (`sh: 1: x: not found` errors)",
    "enable": "bash builtin: lists the enabled builtins",
    "wget": "simulated download: real output, file appears, `download` event",
    "curl": "simulated download: real output and stats table, `download` event",
    "tftp": "tftp-hpa: simulated transfer, `download` event",
    "cd": "bash builtin, cwd kept for the session",
    "dir": "coreutils `dir` (`ls -C -b`): columns and escapes even in a pipe",
    "reboot": "root: the session ends like a dropped connection; others: logind's refusal "
              "(see \"Power\" above)",
    "shutdown": "root: `now` ends the session, a time is scheduled (`Shutdown scheduled for "
                "...`), `-c` cancels; others: logind's refusal (see \"Power\" above)",
    "poweroff": "as `reboot`",
    "halt": "as `reboot`",
}


def main():
    counts = collections.Counter()
    for raw in gzip.open(CORPUS, "rt"):
        s = json.loads(raw)
        weight = int(s.get("count", 1))
        for line in s["commands"]:
            for n in names_in(line):
                counts[canonical(n)] += weight
    table, builts, have, gone = rust_names(), builtins(), installed(), absent()
    rows = []
    for name, n in counts.most_common():
        if "/" in name or not re.fullmatch(r"[A-Za-z0-9._+\-\[]+", name):
            continue  # attacker files (./x, /tmp/x) and junk are not command names
        if name in ("sh", "dash", "bash", "rbash"):
            how = "shell: the interpreter itself (dash rules for sh)"
        elif name in builts:
            how = "bash builtin"
        elif name in INTERP_PROGRAMS:
            how = "emulated (interpreter level: runs its command)"
        elif name in SCRIPTS:
            how = "emulated: the persona's real shell script runs (`exec grep -F`)"
        elif name in table:
            how = "emulated"
        elif name in gone:
            how = "absent on Debian 12: `command not found`"
        elif name in have:
            how = "installed, not emulated (silent success; LLM fallback later)"
        else:
            how = "not on the box: `command not found`"
        rows.append((name, n, how, NOTES.get(name) or WHY.get(how.split(":")[0].split(" (")[0], "")))
        if len(rows) == 300:
            break
    lines = [BEGIN, "",
             f"The corpus runs {len(rows)} distinct command names once attacker files (`./x`, "
             "`/tmp/x`) and junk are left out, so the list below is all of them when that is "
             "under 300. `sessions` counts raw sessions (a sequence's `count`). Regenerate with "
             "`python3 scripts/coverage.py`.",
             "", "| # | name | sessions | handling | notes |", "|---|---|---|---|---|"]
    for i, (name, n, how, note) in enumerate(rows, 1):
        lines.append(f"| {i} | `{name}` | {n} | {how} | {note} |")
    lines += ["", END]
    doc = DOC.read_text()
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        doc = head + "\n".join(lines) + rest.split(END, 1)[1]
    else:
        doc = doc.rstrip("\n") + "\n\n## Top 300 command names\n\n" + "\n".join(lines) + "\n"
    DOC.write_text(doc)
    print(f"{len(rows)} names written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
