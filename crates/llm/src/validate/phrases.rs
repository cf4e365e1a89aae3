//! The phrases that mark an answer as chat rather than terminal output.
//!
//! Each entry says what it reveals ([`Kind`]) and where it counts ([`At`]):
//! - [`At::Anywhere`] for phrases no real program prints ("as an ai", "i'm sorry",
//!   "language model", chat-template tokens);
//! - [`At::LineStart`] for phrases that are chat at the start of a line but can occur inside
//!   real output ("note:" is fine in `# Note: ...`, "assistant:" fine in `/opt/assistant/`);
//! - [`At::AnswerStart`] for greetings, only as the first line.
//!
//! Deliberate omissions: bare "openai" (an `.env` holds `OPENAI_API_KEY`, `pip list` shows the
//! `openai` package), so "by openai" and "openai's" instead; bare "assistant" (paths, process
//! names), so "assistant:" at a line start instead; "this is" (GNU `--version` says "This is
//! free software"); "cannot execute" (bash says "cannot execute binary file").
//!
//! Entries are lowercase with straight apostrophes (they are normalised again at build time).
//! Matching respects word boundaries at both ends unless the entry is a stem (`simulat`) or
//! starts/ends with a CJK character. Languages: English, Spanish, French, German, Portuguese,
//! Italian, Russian, Chinese, with a few Japanese, Korean and Dutch entries.

/// What a phrase reveals; the most severe match decides the rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Filler a program never prints.
    Chatty,
    /// The answer says it is an AI.
    AiDisclosure,
    /// An apology or refusal.
    Refusal,
}

impl Kind {
    pub(super) fn severity(self) -> u8 {
        match self {
            Kind::AiDisclosure => 3,
            Kind::Refusal => 2,
            Kind::Chatty => 1,
        }
    }
}

/// Where a phrase counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum At {
    /// Anywhere in the answer.
    Anywhere,
    /// At the start of a line (after leading markup).
    LineStart,
    /// At the start of the first non-empty line.
    AnswerStart,
}

/// One entry of the table.
#[derive(Debug, Clone, Copy)]
pub(super) struct Phrase {
    pub text: &'static str,
    pub kind: Kind,
    pub at: At,
    /// No word boundary required at the end (`simulat` matches `simulated`).
    pub stem: bool,
}

const fn p(text: &'static str, kind: Kind, at: At) -> Phrase {
    Phrase {
        text,
        kind,
        at,
        stem: false,
    }
}

const fn stem(text: &'static str, kind: Kind, at: At) -> Phrase {
    Phrase {
        text,
        kind,
        at,
        stem: true,
    }
}

use At::{AnswerStart as FIRST, Anywhere as ANY, LineStart as LINE};
use Kind::{AiDisclosure as AI, Chatty as CHAT, Refusal as NO};

/// The table.
pub(super) const PHRASES: &[Phrase] = &[
    // --- English: AI disclosure ---
    p("as an ai", AI, ANY),
    p("as a language model", AI, ANY),
    p("language model", AI, ANY),
    p("as an artificial intelligence", AI, ANY),
    p("i am an ai", AI, ANY),
    p("i'm an ai", AI, ANY),
    p("i am a language", AI, ANY),
    p("i'm a language", AI, ANY),
    p("i am an artificial", AI, ANY),
    p("i'm an artificial", AI, ANY),
    p("ai assistant", AI, ANY),
    p("virtual assistant", AI, ANY),
    p("text-based ai", AI, ANY),
    p("ai model", AI, ANY),
    p("chatgpt", AI, ANY),
    p("by openai", AI, ANY),
    p("openai's", AI, ANY),
    p("gpt-4", AI, ANY),
    p("gpt-3", AI, ANY),
    p("i am qwen", AI, ANY),
    p("i'm qwen", AI, ANY),
    p("alibaba cloud", AI, ANY),
    p("i am phi", AI, ANY),
    p("trained by", AI, ANY),
    p("my training data", AI, ANY),
    p("knowledge cutoff", AI, ANY),
    p("honeypot", AI, ANY),
    p("i'm just", AI, ANY),
    p("i am just", AI, ANY),
    p("developed by openai", AI, ANY),
    p("as a terminal", AI, ANY),
    p("assistant:", AI, LINE),
    p("<|assistant|>", AI, ANY),
    // --- English: refusals and apologies ---
    p("i'm sorry", NO, ANY),
    p("i am sorry", NO, ANY),
    p("sorry, but", NO, ANY),
    stem("apologi", NO, ANY),
    p("i cannot", NO, ANY),
    p("i can't", NO, ANY),
    p("i can not", NO, ANY),
    p("i'm unable", NO, ANY),
    p("i am unable", NO, ANY),
    p("i'm not able", NO, ANY),
    p("i am not able", NO, ANY),
    p("i don't have access", NO, ANY),
    p("i do not have access", NO, ANY),
    p("i don't have the ability", NO, ANY),
    p("i do not have the ability", NO, ANY),
    p("i won't be able", NO, ANY),
    p("i'm not allowed", NO, ANY),
    p("i am not allowed", NO, ANY),
    p("i must decline", NO, ANY),
    p("i'm afraid", NO, ANY),
    p("cannot assist", NO, ANY),
    p("can't assist", NO, ANY),
    p("can't help with", NO, ANY),
    p("cannot help with", NO, ANY),
    p("unfortunately, i", NO, ANY),
    // --- English: chat filler ---
    p("sure", CHAT, LINE),
    p("sure, here", CHAT, ANY),
    p("certainly", CHAT, LINE),
    p("of course", CHAT, LINE),
    p("absolutely", CHAT, LINE),
    p("okay,", CHAT, LINE),
    p("alright", CHAT, LINE),
    p("great!", CHAT, LINE),
    p("great,", CHAT, LINE),
    p("great question", CHAT, ANY),
    p("hello!", CHAT, FIRST),
    p("hello there", CHAT, FIRST),
    p("hi!", CHAT, FIRST),
    p("hi there", CHAT, FIRST),
    p("here is", CHAT, LINE),
    p("here's", CHAT, LINE),
    p("here are", CHAT, LINE),
    p("below is", CHAT, LINE),
    p("the following is", CHAT, LINE),
    p("the output", CHAT, LINE),
    p("output:", CHAT, LINE),
    p("this command", CHAT, LINE),
    p("this is a command", CHAT, LINE),
    p("this is a bash", CHAT, LINE),
    p("this is a shell", CHAT, LINE),
    p("this is a linux", CHAT, LINE),
    p("it uses the", CHAT, LINE),
    p("this output", CHAT, LINE),
    p("this shows", CHAT, LINE),
    p("this file", CHAT, LINE),
    p("this configuration", CHAT, LINE),
    p("this script", CHAT, LINE),
    p("this will", CHAT, LINE),
    p("this is the output", CHAT, LINE),
    p("this is an example", CHAT, LINE),
    p("the command `", CHAT, ANY),
    p("note:", CHAT, LINE),
    p("please note", CHAT, ANY),
    p("keep in mind", CHAT, ANY),
    p("explanation:", CHAT, LINE),
    p("in summary", CHAT, LINE),
    p("to summarize", CHAT, LINE),
    p("it seems", CHAT, LINE),
    p("it looks like", CHAT, LINE),
    p("let me", CHAT, LINE),
    p("i'll", CHAT, LINE),
    p("i will", CHAT, LINE),
    p("i hope", CHAT, LINE),
    p("when you run", CHAT, ANY),
    p("upon running", CHAT, LINE),
    p("after running", CHAT, LINE),
    p("if you run", CHAT, LINE),
    p("you would see", CHAT, ANY),
    p("you should see", CHAT, ANY),
    stem("simulat", CHAT, LINE),
    p("simulated output", CHAT, ANY),
    p("simulated response", CHAT, ANY),
    p("simulated terminal", CHAT, ANY),
    p("simulated shell", CHAT, ANY),
    p("simulated environment", CHAT, ANY),
    p("(simulated", CHAT, ANY),
    p("this simulation", CHAT, ANY),
    p("i'm simulating", CHAT, ANY),
    p("i am simulating", CHAT, ANY),
    p("emulated output", CHAT, ANY),
    p("hypothetical", CHAT, ANY),
    p("example output", CHAT, ANY),
    p("sample output", CHAT, ANY),
    p("expected output", CHAT, ANY),
    p("the actual output", CHAT, ANY),
    p("may vary depending", CHAT, ANY),
    p("in a real", CHAT, ANY),
    p("on a real system", CHAT, ANY),
    p("in this example", CHAT, ANY),
    p("in this scenario", CHAT, ANY),
    p("the output would", CHAT, ANY),
    p("would display", CHAT, ANY),
    p("would output", CHAT, ANY),
    p("would print", CHAT, ANY),
    p("would show", CHAT, ANY),
    p("would look like", CHAT, ANY),
    p("would typically", CHAT, ANY),
    p("would be displayed", CHAT, ANY),
    p("hope this helps", CHAT, ANY),
    p("let me know", CHAT, ANY),
    p("feel free", CHAT, ANY),
    p("happy to help", CHAT, ANY),
    p("glad to help", CHAT, ANY),
    p("if you have any", CHAT, ANY),
    p("if you need further", CHAT, ANY),
    p("as requested", CHAT, ANY),
    p("i understand", CHAT, LINE),
    // --- chat-template tokens ---
    p("<|im_start|>", CHAT, ANY),
    p("<|im_end|>", CHAT, ANY),
    p("<|user|>", CHAT, ANY),
    p("<|system|>", CHAT, ANY),
    p("<|end|>", CHAT, ANY),
    p("<|eot_id|>", CHAT, ANY),
    p("<|endoftext|>", CHAT, ANY),
    p("[inst]", CHAT, ANY),
    p("[/inst]", CHAT, ANY),
    p("<<sys>>", CHAT, ANY),
    p("### response", CHAT, LINE),
    p("### instruction", CHAT, LINE),
    p("### output", CHAT, LINE),
    p("## output", CHAT, LINE),
    // --- Spanish ---
    p("como modelo de lenguaje", AI, ANY),
    p("modelo de lenguaje", AI, ANY),
    p("como una ia", AI, ANY),
    p("como ia", AI, ANY),
    p("soy una ia", AI, ANY),
    p("soy un asistente", AI, ANY),
    p("lo siento", NO, ANY),
    p("no puedo", NO, ANY),
    p("lamentablemente", NO, LINE),
    p("claro", CHAT, LINE),
    p("por supuesto", CHAT, LINE),
    p("aquí está", CHAT, LINE),
    p("aquí tienes", CHAT, LINE),
    p("aquí hay", CHAT, LINE),
    p("este comando", CHAT, LINE),
    p("la salida", CHAT, LINE),
    p("salida simulada", CHAT, ANY),
    // --- French ---
    p("en tant qu'ia", AI, ANY),
    p("en tant qu'intelligence artificielle", AI, ANY),
    p("en tant que modèle", AI, ANY),
    p("modèle de langage", AI, ANY),
    p("je suis une ia", AI, ANY),
    p("je suis désolé", NO, ANY),
    p("je suis désolée", NO, ANY),
    p("désolé", NO, LINE),
    p("je ne peux pas", NO, ANY),
    p("malheureusement", NO, LINE),
    p("bien sûr", CHAT, LINE),
    p("voici", CHAT, LINE),
    p("cette commande", CHAT, LINE),
    p("la sortie", CHAT, LINE),
    p("sortie simulée", CHAT, ANY),
    // --- German ---
    p("als ki", AI, ANY),
    p("als sprachmodell", AI, ANY),
    p("sprachmodell", AI, ANY),
    p("ki-assistent", AI, ANY),
    p("ich bin eine ki", AI, ANY),
    p("es tut mir leid", NO, ANY),
    p("ich kann nicht", NO, ANY),
    p("ich kann keine", NO, ANY),
    p("leider kann ich", NO, ANY),
    p("entschuldigung", NO, LINE),
    p("natürlich", CHAT, LINE),
    p("gerne", CHAT, LINE),
    p("hier ist", CHAT, LINE),
    p("hier sind", CHAT, LINE),
    p("dieser befehl", CHAT, LINE),
    p("die ausgabe", CHAT, LINE),
    // --- Portuguese ---
    p("como um modelo de linguagem", AI, ANY),
    p("modelo de linguagem", AI, ANY),
    p("como uma ia", AI, ANY),
    p("sou uma ia", AI, ANY),
    p("desculpe", NO, ANY),
    p("sinto muito", NO, ANY),
    p("não posso", NO, ANY),
    p("infelizmente", NO, LINE),
    p("com certeza", CHAT, LINE),
    p("aqui está", CHAT, LINE),
    p("aqui estão", CHAT, LINE),
    p("a saída", CHAT, LINE),
    // --- Italian ---
    p("come modello linguistico", AI, ANY),
    p("modello linguistico", AI, ANY),
    p("come ia", AI, ANY),
    p("come un'ia", AI, ANY),
    p("sono un'intelligenza artificiale", AI, ANY),
    p("mi dispiace", NO, ANY),
    p("non posso", NO, ANY),
    p("purtroppo", NO, LINE),
    p("certo", CHAT, LINE),
    p("ecco", CHAT, LINE),
    p("questo comando", CHAT, LINE),
    p("l'output", CHAT, LINE),
    // --- Russian ---
    p("как языковая модель", AI, ANY),
    p("языковая модель", AI, ANY),
    p("как ии", AI, ANY),
    p("я ии", AI, ANY),
    p("искусственный интеллект", AI, ANY),
    p("извините", NO, ANY),
    p("простите", NO, ANY),
    p("я не могу", NO, ANY),
    p("к сожалению", NO, ANY),
    p("конечно", CHAT, LINE),
    p("вот вывод", CHAT, LINE),
    p("вот результат", CHAT, LINE),
    p("эта команда", CHAT, LINE),
    p("вывод команды", CHAT, ANY),
    // --- Chinese ---
    p("我是一个", AI, ANY),
    p("作为一个人工智能", AI, ANY),
    p("作为人工智能", AI, ANY),
    p("人工智能", AI, ANY),
    p("语言模型", AI, ANY),
    p("作为ai", AI, ANY),
    p("作为一个ai", AI, ANY),
    p("抱歉", NO, ANY),
    p("对不起", NO, ANY),
    p("我无法", NO, ANY),
    p("我不能", NO, ANY),
    p("当然", CHAT, LINE),
    p("好的", CHAT, LINE),
    p("以下是", CHAT, LINE),
    p("这个命令", CHAT, ANY),
    p("该命令", CHAT, ANY),
    p("输出如下", CHAT, ANY),
    p("模拟输出", CHAT, ANY),
    // --- Japanese, Korean, Dutch ---
    p("言語モデル", AI, ANY),
    p("aiとして", AI, ANY),
    p("申し訳", NO, ANY),
    p("언어 모델", AI, ANY),
    p("죄송합니다", NO, ANY),
    p("als taalmodel", AI, ANY),
    p("het spijt me", NO, ANY),
];
