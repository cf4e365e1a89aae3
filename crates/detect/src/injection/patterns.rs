//! The built-in prompt-injection patterns: a table of (id, category, regex).
//!
//! Every regex runs on the shell view of a line (see `fold::shell_view`): lowercase,
//! confusables folded to Latin, quotes removed, escapes undone and whitespace collapsed to
//! single spaces. Words are joined with ` ?` because stripping a zero-width space between two
//! words joins them; `role.ignore_previous`, the phrase attackers use most, also matches
//! with no word boundary on either side (`echoignorepreviousinstructions` is what a line
//! with zero-width spaces inside and between its words folds to). Multi-language patterns also run on a view without the Latin folding
//! (Cyrillic would otherwise be half Latin), and accept accented and unaccented spellings.
//!
//! `\b` is an ASCII word boundary here (the detector compiles it as `(?-u:\b)`, which keeps
//! the fast engine running on non-ASCII text); nothing in the table may spell an escaped
//! backslash followed by `b`.
//!
//! Ids are stable: they end up in stored `injection_attempt` events. Rename none; retire an
//! id rather than reuse it. The patterns are deliberately narrower than the Python
//! original's (`user:`, `act as`, `you are a` alone match ordinary shell lines such as
//! `chown user:group`): `injection::corpus_tests` holds them to under 0.1 % of real attacker
//! lines.

/// Attempts to replace the model's instructions or persona.
pub(super) const ROLE: &str = "role_override";
/// Chat-template and markup delimiters that fake a new turn or system message.
pub(super) const DELIM: &str = "delimiter";
/// Known jailbreak prompts and "no restrictions" modes.
pub(super) const JAILBREAK: &str = "jailbreak";
/// Attempts to make the model reveal its prompt or what it is.
pub(super) const LEAK: &str = "prompt_leak";
/// Attempts to make the model call tools or leave the emulation.
pub(super) const TOOL: &str = "tool_abuse";
/// Leetspeak, spaced-out letters, reversed and rot13 keywords.
pub(super) const OBFUSCATION: &str = "obfuscation";
/// The same attempts in other languages.
pub(super) const LANG: &str = "multi_language";

/// Every category, in report order.
pub(super) const CATEGORIES: &[&str] = &[ROLE, DELIM, JAILBREAK, LEAK, TOOL, OBFUSCATION, LANG];

/// One pattern of the table.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pattern {
    /// Stable id, `group.name` (`role.ignore_previous`, `lang.zh.ignore_instructions`).
    pub(super) id: &'static str,
    /// One of [`CATEGORIES`].
    pub(super) category: &'static str,
    /// The regex, on the shell view.
    pub(super) regex: &'static str,
}

/// A table row.
pub(super) const fn p(id: &'static str, category: &'static str, regex: &'static str) -> Pattern {
    Pattern {
        id,
        category,
        regex,
    }
}

/// The built-in table.
#[rustfmt::skip]
pub(super) const PATTERNS: &[Pattern] = &[
    // --- role override -----------------------------------------------------------------
    p("role.ignore_previous", ROLE, r"(?:ignore|disregard|neglect) ?(?:(?:all|any|every|the|of|your|my|these|those) ?)*(?:previous|prior|above|earlier|preceding|foregoing|former|original|initial)(?:\b|instruct|prompt|rule|command|direction|guideline|message|context)"),
    p("role.ignore_near_instructions", ROLE, r"\b(?:ignore|disregard|forget|neglect)\b.{0,80}?\b(?:instructions?|prompts?|guidelines|directives?|programming|system ?message)\b"),
    p("role.disregard_rules", ROLE, r"\bdisregard ?(?:(?:all|any|the|your|my) ?)*(?:rules|guidelines|directions|orders|programming|training)\b"),
    p("role.forget_everything", ROLE, r"\bforget ?(?:about ?)?(?:everything|all ?(?:of ?)?(?:that|this|above|previous|prior)|(?:your|the|all|any) ?(?:previous|prior|earlier|original)|what ?(?:you ?(?:were|have ?been) ?told|i ?(?:said|told ?you))|(?:your|the) ?(?:instructions|rules|training|programming|persona|role))\b"),
    p("role.you_are_now", ROLE, r"\b(?:you ?are|youre|u ?r) ?now\b"),
    p("role.from_now_on", ROLE, r"\b(?:from ?now ?on|henceforth|from ?this ?(?:point|moment) ?(?:on|forward))\b"),
    p("role.pretend", ROLE, r"\bpretend ?(?:to ?be|you ?are|youre|that ?you|as ?if)\b"),
    p("role.act_as", ROLE, r"\b(?:act|behave|respond) ?(?:as|like) ?(?:an?|the|my|if|though|you ?are|a ?real)\b"),
    p("role.roleplay", ROLE, r"\brole ?-?play(?:ing)?\b"),
    p("role.imagine_you", ROLE, r"\bimagine ?(?:that ?)?you ?(?:are|were|re)\b"),
    p("role.i_want_you_to", ROLE, r"\bi ?(?:want|need) ?you ?to ?(?:act|pretend|behave|respond|become|ignore|forget|stop|only)\b"),
    p("role.new_instructions", ROLE, r"\b(?:new|updated|revised|real|true|actual) ?(?:system ?)?(?:instructions?|directives?|rules|task|orders) ?:"),
    p("role.you_are_not_ai", ROLE, r"\byou ?are ?(?:not|no ?longer) ?(?:an? ?)?(?:ai|assistant|chat ?bot|language ?model|llm|bot|program|machine|terminal|shell|honeypot)\b"),
    p("role.stop_being", ROLE, r"\bstop ?(?:being|acting ?(?:as|like)|pretending ?to ?be) ?(?:an? ?)?(?:ai|assistant|chat ?bot|language ?model|honeypot|terminal|shell|computer|machine)\b"),
    p("role.you_are_human", ROLE, r"\byou ?are ?(?:an? ?)?(?:real ?)?(?:human|person|sentient|conscious|alive)\b"),
    p("role.you_are_assistant", ROLE, r"\byou ?are ?(?:an? |my )?(?:helpful ?|friendly ?)?(?:ai|assistant|chat ?bot|language ?model|llm|gpt|chatgpt)\b"),
    p("role.system_marker", ROLE, r"\b(?:system|assistant|chatgpt|claude|llm|gpt(?:-?\d)?|ai ?assistant) ?:(?: |$)"),
    p("role.user_marker", ROLE, r"(?:^|[;&|(] ?|\b(?:echo|printf)(?: -[a-z]+)* )(?:user|human|ai|bot|model|developer|operator|instruction|response) ?:(?: |$)"),
    p("role.output_only", ROLE, r"\b(?:respond|reply|answer|output|print|say|return) ?(?:only|just|exclusively) ?(?:with|the ?word|this|that|:)"),
    p("role.instead_you", ROLE, r"\binstead,? ?you ?(?:will|must|should|shall|are ?to)\b"),
    p("role.your_new_role", ROLE, r"\byour ?(?:new ?)?(?:role|persona|identity|task|job|purpose|objective) ?(?:is ?now|is ?to|will ?be|has ?changed)\b"),
    p("role.obey", ROLE, r"\b(?:obey|follow) ?(?:only ?)?(?:my|these|the ?following|the ?new) ?(?:instructions|commands|orders|rules)\b"),
    p("role.reset", ROLE, r"\b(?:reset|clear|wipe|erase|overwrite) ?(?:all ?)?(?:your|previous) ?(?:instructions|context|memory|identity|persona|rules|programming|training|conversation)\b"),
    p("role.override_rules", ROLE, r"\b(?:override|bypass|circumvent|disable|deactivate|turn ?off)\b.{0,80}?\b(?:restrictions?|filters|safety|safeguards?|guardrails?|guidelines|content ?polic(?:y|ies)|censorship|alignment|moderation)\b"),

    // --- delimiters --------------------------------------------------------------------
    p("delim.system_tag", DELIM, r"</?(?:system|sys|system_prompt|system-prompt|systemprompt|instructions?|prompt|assistant|user|human|developer|admin|context|persona|rules)(?:\s[a-z_-]+=[^<>]{0,40})?/?>"),
    p("delim.chatml", DELIM, r"<\|?im_(?:start|end|sep)\|?>"),
    p("delim.special_token", DELIM, r"<\|[a-z_]{2,30}\|>"),
    p("delim.llama_sys", DELIM, r"<</?sys>>"),
    p("delim.inst", DELIM, r"\[/?inst\]"),
    p("delim.turn_token", DELIM, r"</?(?:start_of_turn|end_of_turn|bos|eos|eot|begin_of_text|end_of_text)>"),
    p("delim.markdown_role", DELIM, r"#{2,} ?(?:instructions?|human|assistant|response|system ?(?:prompt|message|instructions?)|system ?:|new ?instructions?)"),
    p("delim.code_fence_role", DELIM, r"`{3} ?(?:system|instructions?|prompt|assistant)\b"),
    p("delim.bracket_role", DELIM, r"\[(?:system|instructions?|prompt|assistant|human|sys|admin|developer|system ?message|system ?prompt)\]"),
    p("delim.brace_role", DELIM, r"\{(?:system|instructions?|prompt|sys)\}"),
    p("delim.template_var", DELIM, r"(?:\{\{|\[\[) ?(?:system|prompt|instructions?|user_input|sys|context)[a-z_]* ?(?:\}\}|\]\])"),
    p("delim.json_role", DELIM, r"\brole ?: ?(?:system|assistant|developer|tool)\b"),
    p("delim.prompt_boundary", DELIM, r"\b(?:end|begin|start) ?of ?(?:the ?)?(?:system ?prompt|prompt|instructions|user ?input|context)\b"),
    p("delim.fake_separator", DELIM, r"(?:={3,}|-{3,}|\*{3,}|#{3,}) ?(?:system ?(?:prompt|message|override|instructions?)|new ?instructions?|admin ?override|developer ?override)\b"),

    // --- jailbreak ---------------------------------------------------------------------
    p("jailbreak.dan", JAILBREAK, r"\bdan ?(?:mode|prompt|jailbreak|\d+(?:\.\d+)?)\b|\b(?:you ?are|act ?as|become|called|named|pretend ?to ?be) ?(?:an? ?)?dan\b"),
    p("jailbreak.do_anything_now", JAILBREAK, r"\bdo ?anything ?now\b"),
    p("jailbreak.developer_mode", JAILBREAK, r"\b(?:developer|dev) ?mode\b"),
    p("jailbreak.god_mode", JAILBREAK, r"\b(?:god|admin|sudo|root|super ?user) ?mode ?(?:enabled|activated|on|engaged)?\b"),
    p("jailbreak.unrestricted_mode", JAILBREAK, r"\b(?:unrestricted|unfiltered|uncensored|unlocked|evil|chaos|opposite|jailbreak|jailbroken|no ?restrictions?|no ?limits|no ?filters?) ?mode\b"),
    p("jailbreak.word", JAILBREAK, r"\bjail ?-?(?:break|broken|breaking|breaks)\b"),
    p("jailbreak.no_restrictions", JAILBREAK, r"\b(?:without|free ?(?:of|from)|remove ?(?:all ?|your ?)?|lift(?:ed)?|no) ?(?:any ?)?(?:restrictions|limitations|censorship|guardrails|ethical ?(?:guidelines|constraints|limits)|moral ?(?:guidelines|constraints|limits)|content ?filters?)\b"),
    p("jailbreak.persona", JAILBREAK, r"\b(?:better ?dan|anti-?dan|chad ?gpt|based ?gpt|devil ?gpt|worm ?gpt|fraud ?gpt|evil ?confidant|mongo ?tom|dude ?prompt|stan ?prompt|aim ?prompt)\b|\b(?:you ?are|act ?as|pretend ?to ?be|called|named) ?(?:stan|dude|aim|kevin|maximum|ucar|apophis)\b"),
    p("jailbreak.ignore_policy", JAILBREAK, r"\b(?:ignore|disregard|bypass|violate|break|forget) ?(?:(?:all|any|the|your|openais?|anthropics?) ?)*(?:content ?polic(?:y|ies)|safety ?(?:guidelines|rules|policies|filters?|training)|ethical ?guidelines|usage ?polic(?:y|ies)|terms ?of ?service)\b"),
    p("jailbreak.unaligned", JAILBREAK, r"\b(?:unaligned|uncensored|unfiltered|amoral|unethical|unrestricted) ?(?:ai|assistant|model|bot|chat ?bot|llm|version|response|answer)s?\b"),
    p("jailbreak.stay_in_character", JAILBREAK, r"\b(?:stay|remain|keep) ?in ?character\b|\bbreak(?:ing)? ?(?:out ?of ?)?character\b"),
    p("jailbreak.hypothetical", JAILBREAK, r"\b(?:hypothetical(?:ly)?|fictional|imaginary) ?(?:scenario|world|story|response|ai|setting) ?(?:where|in ?which)\b"),
    p("jailbreak.prompt_injection", JAILBREAK, r"\b(?:prompt ?injection|token ?smuggling|ignore ?safety)\b"),

    // --- prompt leak -------------------------------------------------------------------
    p("leak.system_prompt", LEAK, r"\bsystem ?(?:prompt|message|instructions?|directives?)\b"),
    p("leak.reveal_prompt", LEAK, r"\b(?:reveal|show|print|display|output|repeat|tell ?me|give ?me|dump|leak|expose|share|recite|what ?(?:is|are|was|were)) ?(?:me ?)?(?:all ?)?(?:your|ur|its) ?(?:(?:initial|original|hidden|secret|full|exact|complete|first|system|internal) ?)*(?:prompts?|instructions?|rules|guidelines|directives|programming|pre-?prompt)\b"),
    p("leak.repeat_above", LEAK, r"\b(?:repeat|recite|copy|print ?out|output) ?(?:back ?)?(?:all ?|everything ?|the ?(?:text|words?|content|messages?) ?)?(?:above|before ?this|so ?far|verbatim)\b"),
    p("leak.initial_prompt", LEAK, r"\b(?:initial|original|hidden|secret|pre|meta|developer|base) ?-?prompt\b"),
    p("leak.starting_with", LEAK, r"\b(?:starting|beginning) ?with ?(?:you ?are|the ?words)\b"),
    p("leak.conversation_start", LEAK, r"\b(?:beginning|start|top) ?of ?(?:this|the|our) ?(?:conversation|chat|prompt|context)\b"),
    p("leak.are_you_ai", LEAK, r"\b(?:are ?you|r ?u) ?(?:an? ?)?(?:ai|bot|llm|language ?model|gpt|chatgpt|chat ?bot|honeypot|real ?(?:terminal|shell|machine|server|person|human))\b"),
    p("leak.model_identity", LEAK, r"\b(?:which|what) ?(?:llm|language ?model|ai ?model|model ?are ?you)\b|\bwho ?(?:made|created|trained|built) ?you\b"),
    p("leak.training", LEAK, r"\b(?:your|ur) ?(?:training ?data|knowledge ?cutoff|context ?window|token ?limit)\b"),
    p("leak.transform_prompt", LEAK, r"\b(?:translate|summari[sz]e|encode|spell ?out|base64) ?(?:all ?)?(?:your|the) ?(?:system ?|initial ?|original ?)?(?:prompt|instructions)\b"),

    // --- tool abuse --------------------------------------------------------------------
    p("tool.call_tag", TOOL, r"</?(?:tool_call|tool_use|tool_result|function_calls?|function_results?|invoke|antml:[a-z_]+|tool_code)\b[^<>]{0,60}>"),
    p("tool.json_call", TOOL, r"\b(?:tool_calls?|function_call|tool_choice|tool_use_id|tool_call_id) ?:"),
    p("tool.invoke_function", TOOL, r"\b(?:call|invoke|trigger) ?(?:the|your|a|this) ?(?:function|tool|plugin)\b|\buse ?your ?(?:tools|plugins|browser|browsing|code ?interpreter|web ?search)\b"),
    p("tool.execute_on_host", TOOL, r"\b(?:execute|run) ?(?:this|these|the ?following|my) ?(?:commands?|code|script) ?(?:on|in) ?(?:your|the) ?(?:host|real|actual|underlying|own)\b"),
    p("tool.sandbox_escape", TOOL, r"\b(?:escape|break ?out ?of|leave) ?(?:the|this|your) ?(?:sandbox|simulation|emulation|emulator|honeypot)\b"),
    p("tool.stop_simulating", TOOL, r"\b(?:stop|dont|do ?not|quit) ?(?:simulating|emulating|faking|pretending)\b"),
    p("tool.markdown_image", TOOL, r"!\[[^\]]{0,40}\]\(https?://"),

    // --- obfuscation -------------------------------------------------------------------
    p("obf.leet_ignore", OBFUSCATION, r"(?:\b1|!|\|)gn[o0]r[e3]\b|\bign(?:0r[e3]|or3)\b"),
    p("obf.leet_system", OBFUSCATION, r"\b(?:5y[s5]t[e3]m|sy5t[e3]m|syst3m)\b"),
    p("obf.leet_pretend", OBFUSCATION, r"\bpr(?:3t[e3]|et3)nd\b"),
    p("obf.leet_instructions", OBFUSCATION, r"\b(?:1nstruct[i1][o0]n|[i1]n5truct[i1][o0]n|instruct(?:1[o0]|[i1]0)n)s?\b"),
    p("obf.spaced_ignore", OBFUSCATION, r"\bi[ ._-]g[ ._-]n[ ._-]o[ ._-]r[ ._-]e\b"),
    p("obf.spaced_system", OBFUSCATION, r"\bs[ ._-]y[ ._-]s[ ._-]t[ ._-]e[ ._-]m\b"),
    p("obf.spaced_instructions", OBFUSCATION, r"\bi[ ._-]n[ ._-]s[ ._-]t[ ._-]r[ ._-]u[ ._-]c[ ._-]t"),
    p("obf.spaced_prompt", OBFUSCATION, r"\bp[ ._-]r[ ._-]o[ ._-]m[ ._-]p[ ._-]t\b"),
    p("obf.reversed", OBFUSCATION, r"\b(?:snoitcurtsni|suoiverp ?erongi|tpmorp ?metsys|won ?era ?uoy)\b"),
    p("obf.rot13", OBFUSCATION, r"\bvtaber ?(?:nyy ?)?(?:cerivbhf|cevbe|vafgehpgvbaf)\b|\bflfgrz ?cebzcg\b|\blbh ?ner ?abj\b"),

    // --- multi-language ----------------------------------------------------------------
    // Chinese (simplified and traditional)
    p("lang.zh.ignore_instructions", LANG, r"(?:忽略|无视|無視|忽视|忽視|不要理会|不要理會|别管|別管|跳过|跳過).{0,12}(?:指令|指示|说明|說明|命令|规则|規則|提示|要求|设定|設定)"),
    p("lang.zh.forget", LANG, r"(?:忘记|忘記|忘掉)(?:你的|之前|以前|上面|先前|所有|全部|一切)"),
    p("lang.zh.you_are_now", LANG, r"你(?:现|現)在是|(?:从|從)(?:现|現)在(?:开|開)始|(?:从|從)(?:现|現)在起"),
    p("lang.zh.system_prompt", LANG, r"系(?:统|統)(?:提示|指令|消息|訊息|设定|設定)"),
    p("lang.zh.pretend", LANG, r"假装|假裝|扮演"),
    p("lang.zh.developer_mode", LANG, r"(?:开发者|開發者|越狱|越獄|无限制|無限制)模式"),
    // Japanese
    p("lang.ja.ignore_instructions", LANG, r"(?:指示|命令|指令|ルール|プロンプト|設定).{0,8}(?:無視|むし|忘れて)"),
    p("lang.ja.you_are_now", LANG, r"(?:あなた|君|お前)は(?:今|いま)から|(?:今|いま)から(?:あなた|君|お前)は"),
    p("lang.ja.system_prompt", LANG, r"システム ?(?:プロンプト|メッセージ|指示|命令)"),
    p("lang.ja.pretend", LANG, r"ふりをして|振りをして|なりきって|として振る舞"),
    // Spanish
    p("lang.es.ignore_instructions", LANG, r"\b(?:ignora|ignore|ignorar|olvida|olvide|olvidar|descarta|omite|no ?hagas ?caso ?(?:a|de)) ?(?:todas ?|todo ?)?(?:las|tus|sus|lo) ?(?:instrucciones|indicaciones|[óo]rdenes|reglas|anterior(?:es)?)\b"),
    p("lang.es.you_are_now", LANG, r"\b(?:ahora ?eres|a ?partir ?de ?ahora,? ?(?:eres|ser[áa]s|act[úu]a)|desde ?ahora ?eres)\b"),
    p("lang.es.system_prompt", LANG, r"\b(?:prompt|mensaje|instrucciones|indicaciones) ?del ?sistema\b"),
    p("lang.es.pretend", LANG, r"\b(?:finge|fingir|haz ?de ?cuenta) ?(?:que ?eres|ser)\b"),
    // French
    p("lang.fr.ignore_instructions", LANG, r"\b(?:ignore[zs]?|ignorer|oublie[zs]?|oublier|n[ée]glige[zs]?) ?(?:toutes ?|tout ?)?(?:les|tes|vos|ces) ?(?:instructions|consignes|directives|r[èe]gles|ordres)\b"),
    p("lang.fr.you_are_now", LANG, r"\b(?:tu ?es|vous ?[êe]tes) ?(?:maintenant|d[ée]sormais|dor[ée]navant)\b|\b(?:[àa] ?partir ?de ?maintenant|d[ée]sormais),? ?(?:tu|vous)\b"),
    p("lang.fr.system_prompt", LANG, r"\b(?:prompt|invite|message|instructions|consignes) ?(?:du|de ?la|de) ?syst[èe]me\b"),
    p("lang.fr.pretend", LANG, r"\bfai[st] ?semblant\b"),
    // German
    p("lang.de.ignore_instructions", LANG, r"\b(?:ignoriere|ignorieren|vergiss|vergessen ?sie|missachte) ?(?:(?:alle|s[äa]mtliche|die|deine|ihre) ?)*(?:(?:vorherigen|bisherigen|obigen|vorigen|fr[üu]heren) ?)?(?:anweisungen|instruktionen|befehle|regeln|vorgaben)\b"),
    p("lang.de.you_are_now", LANG, r"\b(?:du ?bist|sie ?sind) ?(?:jetzt|nun|ab ?sofort|ab ?jetzt)\b|\bab ?(?:sofort|jetzt) ?bist ?du\b"),
    p("lang.de.system_prompt", LANG, r"\bsystem ?-?(?:anweisung(?:en)?|nachricht|aufforderung|vorgaben)\b|\b(?:den|deinen|ihren) ?system ?-?prompt\b"),
    p("lang.de.pretend", LANG, r"\btu ?so,? ?als ?(?:ob|w[äa]rst)\b"),
    // Russian
    p("lang.ru.ignore_instructions", LANG, r"(?:игнорируй|игнорируйте|игнорировать|проигнорируй|не ?обращай ?внимания ?на|пропусти) ?(?:(?:все|всё|предыдущие|прошлые|прежние|вышеуказанные|свои|эти) ?)*(?:инструкци|указани|команд|правил)"),
    p("lang.ru.forget", LANG, r"(?:забудь|забудьте) ?(?:все|всё|свои|предыдущие|прежние|инструкции|указания|правила)"),
    p("lang.ru.you_are_now", LANG, r"теперь ?ты|ты ?теперь|отныне ?ты|с ?этого ?момента ?ты"),
    p("lang.ru.system_prompt", LANG, r"системн(?:ый|ого|ому|ым|ые|ых|ая|ой|ую) ?(?:промпт|запрос|подсказк|инструкци|сообщени)"),
    p("lang.ru.pretend", LANG, r"притворись|притворитесь|представь,? ?что ?ты"),
    // Portuguese
    p("lang.pt.ignore_instructions", LANG, r"\b(?:ignore|ignora|ignorar|esque[çc]a|esquece|desconsidere) ?(?:todas ?)?(?:as|suas|tuas) ?(?:instru[çc](?:[õo]es|[ãa]o)|ordens|regras|orienta[çc][õo]es)\b"),
    p("lang.pt.you_are_now", LANG, r"\b(?:agora ?voc[êe] ?[ée]|voc[êe] ?[ée] ?agora|tu ?[ée]s ?agora|a ?partir ?de ?agora,? ?(?:voc[êe]|tu))\b"),
    p("lang.pt.system_prompt", LANG, r"\b(?:prompt|mensagem|instru[çc][õo]es) ?do ?sistema\b"),
    p("lang.pt.pretend", LANG, r"\bfinja ?(?:ser|que ?(?:voc[êe] ?)?[ée])\b"),
    // Italian
    p("lang.it.ignore_instructions", LANG, r"\b(?:ignora|ignorate|dimentica|dimenticate) ?(?:tutte ?)?(?:le|tue|sue) ?(?:istruzioni|regole|indicazioni)\b"),
    p("lang.it.you_are_now", LANG, r"\b(?:ora|adesso) ?sei\b|\bda ?ora ?in ?poi\b"),
    p("lang.it.system_prompt", LANG, r"\bprompt ?di ?sistema\b"),
    // Korean
    p("lang.ko.ignore_instructions", LANG, r"(?:이전|위의|앞의|모든).{0,10}(?:지시|명령|지침|규칙).{0,6}(?:무시|잊어)"),
    p("lang.ko.you_are_now", LANG, r"(?:너는|당신은) ?(?:이제|지금부터)|(?:이제|지금부터) ?(?:너는|당신은)"),
    p("lang.ko.system_prompt", LANG, r"시스템 ?(?:프롬프트|메시지|지시)"),
];
