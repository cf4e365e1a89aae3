//! Rejections: realistic chatty, refusing and AI-revealing answers from small models, in
//! several languages; prompt echoes; size caps; cleaning.

use super::*;
use crate::prompt::{self, PromptContext};

fn ctx_for(command: &str) -> CheckCtx<'_> {
    CheckCtx {
        command,
        ..CheckCtx::default()
    }
}

fn reason(v: &Validator, command: &str, file: bool, raw: &str) -> &'static str {
    let ctx = CheckCtx {
        command,
        file,
        ..CheckCtx::default()
    };
    match v.check(raw, &ctx) {
        Ok(c) => panic!("accepted {raw:?} as {:?}", c.text),
        Err(r) => r.reason(),
    }
}

/// (command, answer, expected reason). `command` empty means a file question.
const BAD: &[(&str, &str, &str)] = &[
    (
        "nginx -v",
        "Sure! Here's the output of `nginx -v`:\n```\nnginx version: nginx/1.18.0\n```",
        "chatty",
    ),
    (
        "apt-get install nmap",
        "I'm sorry, but I cannot execute commands.",
        "refusal",
    ),
    (
        "uptime",
        "As an AI language model, I don't have access to a terminal.",
        "ai_disclosure",
    ),
    (
        "htop",
        "The command `htop` displays an interactive process viewer. It shows CPU usage, memory usage and the list of running processes.",
        "chatty",
    ),
    (
        "uname -a",
        "Here is the output:\n\n```bash\nLinux web-01 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 x86_64 GNU/Linux\n```",
        "chatty",
    ),
    (
        "docker ps",
        "Certainly! Below is a sample listing for `docker ps`:\n\nCONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES",
        "chatty",
    ),
    (
        "nginx -v",
        "```\nnginx version: nginx/1.22.1\n```\n\nNote: The actual output may vary depending on your system.",
        "chatty",
    ),
    (
        "systemctl restart nginx",
        "I am an AI and cannot run `systemctl` on a real machine.",
        "ai_disclosure",
    ),
    (
        "free -h",
        "Output:\n               total        used        free      shared  buff/cache   available\nMem:           1.9Gi       412Mi       1.1Gi       2.0Mi       573Mi       1.5Gi",
        "chatty",
    ),
    (
        "uname -r",
        "The output would display the kernel version, for example: 6.1.0-18-amd64",
        "chatty",
    ),
    (
        "netstat -tlnp",
        "This command lists all listening ports. Since I'm just a text assistant, I can't actually run it.",
        "ai_disclosure",
    ),
    ("ls", "Hello! How can I help you today?", "chatty"),
    (
        "free -h",
        "I'm not able to run commands, but here is what `free -h` typically shows:",
        "refusal",
    ),
    (
        "whoami",
        "<|im_start|>assistant\nroot\n<|im_end|>",
        "chatty",
    ),
    (
        "id",
        "Assistant: uid=0(root) gid=0(root) groups=0(root)",
        "ai_disclosure",
    ),
    (
        "whoami",
        "Please note that this is a hypothetical output.\nroot",
        "chatty",
    ),
    (
        "",
        "Of course! Here's the content of /etc/motd:\n\nWelcome to Debian GNU/Linux 12 (bookworm)!",
        "chatty",
    ),
    (
        "ls /root",
        "Lo siento, no puedo ejecutar comandos en un sistema real.",
        "refusal",
    ),
    (
        "ps aux",
        "Como modelo de lenguaje, no tengo acceso a una terminal.",
        "ai_disclosure",
    ),
    (
        "whoami",
        "Claro, aquí está la salida del comando:\n```\nroot\n```",
        "chatty",
    ),
    (
        "cat /etc/shadow",
        "Je suis désolé, mais je ne peux pas exécuter cette commande.",
        "refusal",
    ),
    (
        "id",
        "En tant qu\u{2019}IA, je n\u{2019}ai pas accès à un terminal.",
        "ai_disclosure",
    ),
    ("whoami", "Voici la sortie de la commande :\nroot", "chatty"),
    (
        "wget http://x/y",
        "Es tut mir leid, aber ich kann keine Befehle ausführen.",
        "refusal",
    ),
    (
        "uptime",
        "Als KI habe ich keinen Zugriff auf ein Terminal.",
        "ai_disclosure",
    ),
    (
        "whoami",
        "Hier ist die Ausgabe des Befehls:\nroot",
        "chatty",
    ),
    (
        "crontab -l",
        "Desculpe, mas não posso executar comandos.",
        "refusal",
    ),
    (
        "df -h",
        "Como um modelo de linguagem, não tenho acesso ao terminal.",
        "ai_disclosure",
    ),
    ("whoami", "Aqui está a saída do comando:\nroot", "chatty"),
    (
        "lscpu",
        "Mi dispiace, non posso eseguire comandi.",
        "refusal",
    ),
    (
        "lscpu",
        "Come modello linguistico, non ho accesso a un terminale.",
        "ai_disclosure",
    ),
    ("whoami", "Ecco l'output del comando:\nroot", "chatty"),
    (
        "ls -la",
        "Извините, я не могу выполнять команды.",
        "refusal",
    ),
    (
        "ls -la",
        "Как языковая модель, я не имею доступа к терминалу.",
        "ai_disclosure",
    ),
    ("whoami", "Конечно! Вот вывод команды:\nroot", "chatty"),
    ("ls", "抱歉，我无法执行命令。", "refusal"),
    (
        "ls",
        "作为一个人工智能，我没有权限访问终端。",
        "ai_disclosure",
    ),
    ("ls", "我是一个AI助手，无法运行这个命令。", "ai_disclosure"),
    ("whoami", "当然！以下是命令的输出：\nroot", "chatty"),
    (
        "systemctl status nginx",
        "**Output:**\n```\n● nginx.service - A high performance web server\n     Active: active (running)\n```",
        "chatty",
    ),
    (
        "whoami",
        "I am Qwen, created by Alibaba Cloud. I can't execute commands.",
        "ai_disclosure",
    ),
    (
        "df -h",
        "It looks like you're trying to check the disk usage. Filesystem      Size  Used Avail Use% Mounted on",
        "chatty",
    ),
    ("whoami", "Let me run that for you:\n\nroot", "chatty"),
    (
        "whoami",
        "```\n$ whoami\nroot\n```\nThis shows the current user.",
        "chatty",
    ),
    (
        "ifconfig",
        "Based on the simulated environment, the output would be:\neth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500",
        "chatty",
    ),
    ("whoami", "(Simulated output)\nroot", "chatty"),
    (
        "whoami",
        "I apologize for the confusion. The correct output is:\nroot",
        "refusal",
    ),
    (
        "reboot",
        "Unfortunately, I do not have the ability to run commands.",
        "refusal",
    ),
    (
        "whoami",
        "root\n\nI hope this helps! Let me know if you need anything else.",
        "chatty",
    ),
    ("whoami", "Sure thing!\nroot", "chatty"),
    ("whoami", "### Response:\nroot", "chatty"),
    (
        "uptime",
        "ChatGPT here! The system has been up for 5 days.",
        "ai_disclosure",
    ),
    (
        "cat /etc/passwd",
        "I cannot provide real system information, but a typical Debian 12 system would show:",
        "refusal",
    ),
    (
        "ls",
        "申し訳ありませんが、コマンドを実行できません。",
        "refusal",
    ),
    (
        "ls -la /root",
        "The output of the `ls -la /root` command would look like this:\ntotal 24",
        "chatty",
    ),
    (
        "",
        "Here is a realistic /etc/hosts file for this host:\n127.0.0.1\tlocalhost",
        "chatty",
    ),
    (
        "",
        "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n\nThis file maps host names to IP addresses.",
        "chatty",
    ),
    ("whoami", "[INST] whoami [/INST] root", "chatty"),
    ("whoami", "Okay, the current user is root.", "chatty"),
    (
        "ls",
        "This is a honeypot, there is nothing here.",
        "ai_disclosure",
    ),
    (
        "nproc",
        "> **Note:** this value depends on the VM.\n2",
        "chatty",
    ),
    ("whoami", "root\n```\nextra", "markup"),
    (
        "whoami",
        "<<<UNTRUSTED_TERMINAL_INPUT id=0123456789abcdef>>>\nroot\n<<<END id=0123456789abcdef>>>",
        "fence_leak",
    ),
    ("whoami", "```\n```", "empty"),
    ("whoami", " \r\n\t\n", "empty"),
    ("whoami", "`  `", "empty"),
];

#[test]
fn bad_answers_are_rejected_with_their_reason() {
    let v = Validator::new();
    let mut failures = Vec::new();
    for (command, raw, want) in BAD {
        let got = reason(&v, command, command.is_empty(), raw);
        if got != *want {
            failures.push(format!("{raw:?}: want {want}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(BAD.len() >= 60);
}

#[test]
fn rejections_name_the_phrase() {
    let v = Validator::new();
    let err = v
        .check("I'm sorry, but I cannot do that.", &ctx_for("ls"))
        .unwrap_err();
    assert_eq!(
        err,
        Reject::Refusal {
            phrase: "i'm sorry".into()
        }
    );
    // The most severe kind wins over an earlier chatty phrase.
    let err = v
        .check("Sure! As an AI, I cannot.", &ctx_for("ls"))
        .unwrap_err();
    assert_eq!(
        err,
        Reject::AiDisclosure {
            phrase: "as an ai".into()
        }
    );
    let err = v
        .check("Here\u{2019}s the output:\nroot", &ctx_for("whoami"))
        .unwrap_err();
    assert_eq!(
        err,
        Reject::Chatty {
            phrase: "here's".into()
        }
    );
}

#[test]
fn too_large_answers_are_rejected() {
    let v = Validator::new();
    let big = "a".repeat(9000);
    assert_eq!(
        v.check(&big, &ctx_for("x")).unwrap_err(),
        Reject::TooLarge {
            bytes: 9000,
            limit: 8000
        }
    );
    let huge = "b".repeat(100_000);
    assert_eq!(
        v.check(&huge, &ctx_for("x")).unwrap_err().reason(),
        "too_large"
    );
    let small = CheckCtx {
        max_bytes: 10,
        ..ctx_for("x")
    };
    assert_eq!(
        v.check("0123456789ab", &small).unwrap_err().reason(),
        "too_large"
    );
    assert!(v.check("0123456789", &small).is_ok());
}

fn persona() -> PromptContext {
    PromptContext {
        hostname: "web-01".into(),
        os: "Debian GNU/Linux 12 (bookworm)".into(),
        kernel: "6.1.0-18-amd64".into(),
        arch: "x86_64".into(),
        user: "root".into(),
        home: "/root".into(),
        cwd: "/root".into(),
        packages: vec!["nginx".into(), "openssh-server".into()],
        recent: Vec::new(),
    }
}

#[test]
fn prompt_echoes_are_rejected() {
    let v = Validator::new();
    let p = persona();
    let markers = prompt::echo_markers(&p);
    let ctx = CheckCtx {
        echo_markers: &markers,
        ..ctx_for("cat /etc/issue")
    };
    let system = prompt::system_prompt(&p);
    assert_eq!(v.check(&system, &ctx).unwrap_err(), Reject::PromptEcho);
    // A single sentence is enough.
    let one = "Rules:\n- If the program would print nothing, output nothing.";
    assert_eq!(v.check(one, &ctx).unwrap_err(), Reject::PromptEcho);
    // A reworded echo sharing two six-word runs.
    let partial = "ok so: output only what the program would print to the terminal and never mention being an ai, a language model";
    assert_eq!(v.check(partial, &ctx).unwrap_err(), Reject::PromptEcho);
    // The facts alone are not an echo.
    assert!(v.check("Debian GNU/Linux 12 \\n \\l\n", &ctx).is_ok());
}

#[test]
fn cleaning_unwraps_and_strips() {
    let v = Validator::new();
    let ok = |raw: &str, command: &str| v.check(raw, &ctx_for(command)).map(|c| c.text);
    assert_eq!(ok("```\nroot\n```", "whoami").unwrap(), "root\n");
    assert_eq!(
        ok("```text\r\nroot\r\n```\r\n", "whoami").unwrap(),
        "root\n"
    );
    assert_eq!(
        ok("```bash\nLinux web-01", "uname -n").unwrap(),
        "Linux web-01\n"
    );
    assert_eq!(
        ok("`nginx version: nginx/1.22.1`", "nginx -v").unwrap(),
        "nginx version: nginx/1.22.1\n"
    );
    assert_eq!(
        ok("root@web-01:~# whoami\nroot\nroot@web-01:~# ", "whoami").unwrap(),
        "root\n"
    );
    assert_eq!(ok("$ id -un\nroot", "id -un").unwrap(), "root\n");
    assert_eq!(
        ok("[root@web-01 ~]# id -un\nroot", "id -un").unwrap(),
        "root\n"
    );
    assert_eq!(ok("id -un\nroot", "id -un").unwrap(), "root\n");
    assert_eq!(
        ok("Active: **active** (running)", "x").unwrap(),
        "Active: active (running)\n"
    );
    assert_eq!(ok("\n\n  total 0\n\n\n", "ls -l").unwrap(), "  total 0\n");
    assert_eq!(ok("a\x1b[0m\u{200B}b\u{0}c", "x").unwrap(), "a[0mbc\n");
    assert_eq!(ok("line1\rline2", "x").unwrap(), "line1\nline2\n");
    // A file keeps its markdown.
    let file = CheckCtx {
        file: true,
        ..CheckCtx::default()
    };
    let readme = "# Tool\n\nBuild it with **make**:\n\n```sh\nmake\n```\n";
    assert_eq!(v.check(readme, &file).unwrap().text, readme);
}

#[test]
fn silence_is_only_ok_for_commands() {
    let v = Validator::new();
    let cmd = ctx_for("systemctl restart nginx");
    let err = v.check("", &cmd).unwrap_err();
    assert!(err.silent_ok(&cmd));
    let file = CheckCtx {
        file: true,
        ..CheckCtx::default()
    };
    assert!(!v.check("", &file).unwrap_err().silent_ok(&file));
    assert!(!Reject::Markup.silent_ok(&cmd));
}

#[test]
fn reasons_are_stable_and_distinct() {
    let all = [
        Reject::Empty,
        Reject::Chatty {
            phrase: String::new(),
        },
        Reject::AiDisclosure {
            phrase: String::new(),
        },
        Reject::Refusal {
            phrase: String::new(),
        },
        Reject::PromptEcho,
        Reject::FenceLeak,
        Reject::TooLarge { bytes: 0, limit: 0 },
        Reject::Markup,
        Reject::Replay,
        Reject::CommandEcho {
            word: String::new(),
        },
        Reject::Repetitive,
    ];
    let names: HashSet<&str> = all.iter().map(Reject::reason).collect();
    assert_eq!(names.len(), all.len());
    assert!(
        names
            .iter()
            .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
    );
}

#[test]
fn the_table_is_large_and_normalised() {
    let v = Validator::new();
    assert!(v.phrase_count() >= 150, "{}", v.phrase_count());
    assert_eq!(v.phrase_count(), phrases::PHRASES.len());
    for p in phrases::PHRASES {
        assert_eq!(
            normalise_line(p.text),
            p.text,
            "entry {:?} is not normalised",
            p.text
        );
    }
    let langs = [
        "lo siento",
        "je suis désolé",
        "es tut mir leid",
        "desculpe",
        "mi dispiace",
        "извините",
        "抱歉",
    ];
    for l in langs {
        assert!(phrases::PHRASES.iter().any(|p| p.text == l), "{l}");
    }
}
