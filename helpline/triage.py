"""How soon someone who writes to the helpline needs help, decided from her words and topics.

Four levels, each with its own advice (the advice texts are clinical content,
kept in `leaflet.ClinicalText` and approved by a second nurse; the texts below
are the ones the project ships):

- EMERGENCY: call 999 or go to A&E now;
- CRISIS: thoughts of suicide or self-harm: Samaritans first, 999 if she may act now;
- URGENT: GP today or NHS 111;
- ROUTINE: a nurse replies as usual.

Every rule names the nhs.uk page it follows. Missing an emergency is far worse
than a false alarm, so the rules are generous and, when in doubt, escalate. A
statement is let off only where that costs no sensitivity: a symptom plainly
negated within its own clause ("no numbness", "not short of breath"), and a
physical symptom she says has settled ("it has settled now"), which moves down
one level rather than disappearing. Thoughts of suicide or self-harm are never
let off for being in the past.

`triage()` is the one entry point: the web form, the nurse's log and inbound
email all call it.
"""

import re
from dataclasses import dataclass

from .models import Topic, Urgency

NHS_CAUDA_EQUINA = "https://www.nhs.uk/conditions/cauda-equina-syndrome/"
NHS_BACK_PAIN = "https://www.nhs.uk/conditions/back-pain/"
NHS_PULMONARY_EMBOLISM = "https://www.nhs.uk/conditions/pulmonary-embolism/"
NHS_BLOOD_CLOTS = "https://www.nhs.uk/conditions/blood-clots/"
NHS_DVT = "https://www.nhs.uk/conditions/deep-vein-thrombosis-dvt/"
NHS_URGENT_MENTAL_HEALTH = (
    "https://www.nhs.uk/nhs-services/mental-health-services/where-to-get-urgent-help-for-mental-health/"
)
NHS_SUICIDAL_THOUGHTS = (
    "https://www.nhs.uk/mental-health/feelings-symptoms-behaviours/behaviours/help-for-suicidal-thoughts/"
)
NHS_FALLS = "https://www.nhs.uk/conditions/falls/"

# The levels that alert the nurses at once, however they are reached (her words, or a nurse's judgement).
ALARM_LEVELS = frozenset({Urgency.EMERGENCY, Urgency.CRISIS})


@dataclass(frozen=True)
class Advice:
    """The advice a level shows her, as shipped; clinical staff may change it through the leaflet's review."""

    slug: str
    purpose: str  # where it is shown, for the nurses who review it
    title: str
    body: str  # plain text; paragraphs separated by a blank line
    sources: tuple[str, ...]


# Shipped advice. Changes to these reach the public only through a nurse's approval in the
# editor (leaflet.ClinicalText); these are what the site shows until then.
ADVICE: dict[int, Advice] = {
    Urgency.EMERGENCY: Advice(
        slug="safety-emergency",
        purpose="on the \u201cAsk a nurse\u201d pages and acknowledgement when her words suggest an emergency",
        title="Call 999 or go to A&E now",
        body=(
            "What you describe can be a sign of a serious problem that needs treating straight away, such as "
            "pressure on the nerves at the bottom of the spine (cauda equina syndrome) or a blood clot in the "
            "lungs, which is more likely in the weeks after giving birth.\n\n"
            "Call 999 or go to A&E now. Do not wait for a nurse to reply to you.\n\n"
            "Do not drive yourself: ask someone to take you, or call 999 for an ambulance."
        ),
        sources=(NHS_CAUDA_EQUINA, NHS_BACK_PAIN, NHS_PULMONARY_EMBOLISM, NHS_BLOOD_CLOTS),
    ),
    Urgency.CRISIS: Advice(
        slug="safety-crisis",
        purpose="on the \u201cAsk a nurse\u201d pages and acknowledgement when her words suggest thoughts of "
        "suicide or self-harm",
        title="You do not have to cope with this on your own",
        body=(
            "Samaritans are there for you day or night, and the call is free: call 116 123. "
            "You can talk to them about anything.\n\n"
            "If you feel you might act on these thoughts now, or you have hurt yourself, call 999 or go to A&E.\n\n"
            "For urgent help from the NHS, call 111 and choose the mental health option, or ask your GP for an "
            "urgent appointment."
        ),
        sources=(NHS_URGENT_MENTAL_HEALTH, NHS_SUICIDAL_THOUGHTS),
    ),
    Urgency.URGENT: Advice(
        slug="safety-urgent",
        purpose="on the \u201cAsk a nurse\u201d pages and acknowledgement when her words suggest she needs a "
        "doctor today",
        title="Get medical advice today",
        body=(
            "What you describe needs a doctor's advice today. Ask your GP surgery for an urgent appointment, "
            "or call NHS 111 (free, day and night) or go to 111.nhs.uk. Do not wait for our reply.\n\n"
            "Call 999 or go to A&E if you get chest pain, sudden difficulty breathing, numbness around your "
            "bottom or genitals, or you cannot control your bladder or bowel."
        ),
        sources=(NHS_BACK_PAIN, NHS_DVT, NHS_PULMONARY_EMBOLISM, NHS_FALLS),
    ),
}

# Shown on the form before she writes anything: the same three levels, in brief.
FORM_WARNING = Advice(
    slug="safety-form-warning",
    purpose="on the \u201cAsk a nurse\u201d form, before she writes her question",
    title="This form is not for emergencies",
    body=(
        "Call 999 or go to A&E if you have numbness around your bottom or genitals, new problems peeing or "
        "controlling your bladder or bowel, weakness in both legs, chest pain, sudden difficulty breathing, "
        "or you are coughing up blood.\n\n"
        "If you are having thoughts of suicide or of harming yourself, call Samaritans free on 116 123, "
        "day or night.\n\n"
        "If you have a fever with back pain, a hot or swollen calf, a new fall, or pain your painkillers do not "
        "control, ask your GP for an urgent appointment or call NHS 111 today."
    ),
    sources=(NHS_CAUDA_EQUINA, NHS_BACK_PAIN, NHS_PULMONARY_EMBOLISM, NHS_URGENT_MENTAL_HEALTH, NHS_DVT),
)
SHIPPED_TEXTS = (*ADVICE.values(), FORM_WARNING)


@dataclass(frozen=True)
class Rule:
    level: int
    reason: str  # for nurses: what the rule is looking for
    page: str  # the nhs.uk page it follows
    pattern: re.Pattern


def _rule(level: int, reason: str, page: str, *patterns: str) -> Rule:
    return Rule(level, reason, page, re.compile("|".join(f"(?:{p})" for p in patterns)))


# Shared fragments. Text is normalised first (see _normalise): lower case, straight apostrophes,
# and common apostrophe-less spellings ("cant", "dont", "im") restored.
_NOT_FEEL = (
    r"(?:can't|cannot|can not|couldn't|don't|do not|didn't|not able to|unable to|no longer)\s+(?:really\s+)?feel"
)
_ODD_FEELING = (
    r"(?:numb\w*|tingl\w*|pins and needles|no feeling|no sensation|loss of (?:feeling|sensation)|lost (?:the )?feeling|"
    r"dead|strange|weird|odd|different|funny|altered)"
)
_SADDLE = (
    r"(?:genital\w*|vagina\w*|vulva|private (?:area|parts|bits)|privates|down below|down there|bottom|bum|buttocks?|"
    r"back passage|anus|groin|inner thighs?|inside of my thighs?|between my legs|saddle|perineum|crotch)"
)
_PEE = r"(?:pee|peeing|wee|weeing|urinat\w*|pass(?:ing)? urine|empty my bladder|go to the toilet|go to the loo)"
_LEGS = r"(?:both (?:of )?my legs|both legs|my legs|legs)"

RULES: tuple[Rule, ...] = (
    # ---- emergency: cauda equina syndrome, and the back pain page's "call 999 or go to A&E" list
    _rule(
        Urgency.EMERGENCY,
        "numbness or altered feeling around the genitals, bottom or inner thighs",
        NHS_CAUDA_EQUINA,
        rf"{_ODD_FEELING}[\w\s,']{{0,40}}\b{_SADDLE}\b",
        rf"\b{_SADDLE}\b[\w\s,']{{0,30}}\b(?:is|are|feels?|felt|gone|going|has gone|have gone|went)\s+(?:\w+\s+)?{_ODD_FEELING}",
        rf"{_NOT_FEEL}[\w\s,']{{0,30}}(?:toilet paper|tissue|loo roll|wip\w+|\b{_SADDLE}\b|when i (?:go to the )?(?:toilet|loo))",
        rf"\bwip\w*[\w\s,']{{0,30}}{_NOT_FEEL}",
        rf"\bwip\w*[\w\s,']{{0,20}}(?:feels?|felt)\s+(?:\w+\s+)?{_ODD_FEELING}",
    ),
    _rule(
        Urgency.EMERGENCY,
        "new difficulty passing urine or controlling the bladder or bowel",
        NHS_CAUDA_EQUINA,
        rf"(?:can't|cannot|can not|couldn't|haven't been able to|have not been able to|not been able to|unable to|"
        rf"struggling to|trouble|difficulty|difficult to|hard to|problems?)\s+(?:\w+\s+)?{_PEE}",
        rf"{_PEE}[\w\s,']{{0,15}}(?:feels?|felt|is|has been)\s+(?:\w+\s+)?(?:strange|weird|odd|different|funny)",
        r"(?:lost|losing|loss of|no|can't|cannot|couldn't) control (?:of|over)? ?(?:my )?(?:bladder|bowels?|wee|pee|poo)",
        r"(?:can't|cannot|couldn't) (?:control|hold) (?:my )?(?:bladder|bowels?|wee|pee|poo)",
        r"(?:lost|losing|loss of|no|poor) (?:my )?(?:bladder|bowel) control",
        r"\b(?:wet|soiled|pooed|weed|peed) myself\b",
        r"\bincontinen\w*",
        r"(?:don't|can't|cannot|do not) (?:know|tell) when (?:i need|my bladder)",
    ),
    _rule(
        Urgency.EMERGENCY,
        "weakness, numbness or tingling in both legs",
        NHS_BACK_PAIN,
        rf"(?:numb\w*|tingl\w*|pins and needles|weak\w*|no feeling|paralys\w*|dead)[\w\s,']{{0,25}}\b(?:in |down )?{_LEGS}\b",
        rf"\b{_LEGS}\b[\w\s,']{{0,25}}\b(?:numb\w*|tingl\w*|weak\w*|wobbly|gave way|giving way|give way|"
        r"collaps\w*|won't hold|don't work|dead|paralys\w*)",
        rf"(?:can't|cannot|couldn't|unable to) (?:move|feel|lift|stand on) {_LEGS}\b",
    ),
    # ---- emergency: a blood clot in the lungs (pulmonary embolism), more likely after birth
    _rule(
        Urgency.EMERGENCY,
        "chest pain",
        NHS_PULMONARY_EMBOLISM,
        r"\bchest\b[\w\s,']{0,20}\b(?:pain\w*|hurt\w*|ache\w*|aching|tight\w*|heavy|sore)",
        r"\b(?:pain\w*|ache|tight\w*|heaviness|pressure|hurts?|hurting) (?:in|across|on) (?:my |the )?chest\b",
    ),
    _rule(
        Urgency.EMERGENCY,
        "sudden breathlessness or difficulty breathing",
        NHS_PULMONARY_EMBOLISM,
        r"\bshort(?:ness)? of breath",
        r"\bbreathless\w*",
        r"(?:can't|cannot|couldn't|struggl\w* to|hard to|difficult to|trouble|difficulty|unable to)\s+"
        r"(?:catch (?:my )?)?breath\w*",
        r"\bgasping\b",
    ),
    _rule(
        Urgency.EMERGENCY,
        "coughing up blood",
        NHS_PULMONARY_EMBOLISM,
        r"\bcough\w*[\w\s,']{0,30}\bblood",
        r"\bblood\w*[\w\s,']{0,20}\bcough\w*",
        r"\bspit\w* (?:up |out )?blood",
    ),
    _rule(
        Urgency.EMERGENCY,
        "fainting or passing out",
        NHS_PULMONARY_EMBOLISM,
        r"\b(?:fainted|fainting|passed out|pass out|passing out|blacked out|collapsed)\b",
    ),
    # ---- crisis: nhs.uk "where to get urgent help for mental health" and "help for suicidal thoughts"
    _rule(
        Urgency.CRISIS,
        "thoughts of suicide",
        NHS_SUICIDAL_THOUGHTS,
        r"\bsuicid\w*",
        r"\bkill(?:ing)? myself",
        r"\bend(?:ing)? (?:it all|it|my life|things|everything)\b",
        r"\btak(?:e|ing) my (?:own )?life",
        r"\b(?:want|wanted|wanting|wanna) to die\b",
        r"\bwish (?:i|i'd) (?:was|were|could be) dead",
        r"\bbetter off (?:dead|without me|if i (?:was|were)n't here|if i wasn't here)",
        r"(?:don't|do not|dont|didn't) want to (?:be here|wake up|live|go on|carry on|be alive|exist)",
        r"\bhoping i (?:don't|do not|won't) wake up",
        r"\b(?:wish|wishing) i (?:just )?(?:wasn't|was not|weren't) (?:here|alive|around)",
        r"\b(?:no|what's the|whats the|not any) point (?:in )?(?:living|going on|being here|carrying on|being alive)",
        r"\bcan't go on\b",
        r"\bnot (?:be|being) here any ?more",
    ),
    _rule(
        Urgency.CRISIS,
        "thoughts of self-harm or an overdose",
        NHS_URGENT_MENTAL_HEALTH,
        r"\bself[- ]?harm\w*",
        r"\b(?:harm\w*|hurt\w*|cut\w*|injur\w*|burn\w*) myself",
        r"\boverdos\w*",
        r"\btak(?:e|ing) (?:all|them all|the lot|all of)\b[\w\s]{0,20}\b(?:tablets|pills|meds|medication|them)\b",
        r"\btak(?:e|ing) (?:all|the lot) of (?:them|my|the)",
        r"\bjust take all of them\b",
    ),
    _rule(
        Urgency.CRISIS,
        "thoughts of harming the baby",
        NHS_URGENT_MENTAL_HEALTH,
        r"\b(?:harm\w*|hurt\w*|kill\w*|smother\w*|shak\w*) (?:my|the) baby",
    ),
    # ---- urgent: GP today or NHS 111
    _rule(
        Urgency.URGENT,
        "fever or shivers",
        NHS_BACK_PAIN,
        r"\b(?:fever\w*|high temp\w*|a temp\w*|temp of|temp\w*ture|shiver\w*|shaking|rigou?rs?|hot and cold|night sweats)\b",
    ),
    _rule(
        Urgency.URGENT,
        "a hot, swollen or painful calf or leg",
        NHS_DVT,
        r"\b(?:swollen|swelling|hot|red|warm|throbbing|tender|painful)\b[\w\s,']{0,20}\b(?:calf|calves|leg)\b",
        r"\b(?:calf|calves|leg)\b[\w\s,']{0,30}\b(?:swollen|swelling|hot|red|warm|throbbing|tender)\b",
    ),
    _rule(
        Urgency.URGENT,
        "a new fall or fracture",
        NHS_FALLS,
        r"\b(?:i|i've|i have|i just|i've just|just|she|she's) (?:had a fall|fell|fallen|slipped|tripped)\b(?! asleep)",
        r"\b(?:fell|fallen) (?:down|over|on|off|from)\b",
        r"(?:think|might|may|could|worried|scared|afraid)[\w\s']{0,10} (?:i've|i have|i) (?:broken|fractured|cracked|broke)",
        r"\b(?:another|a new|new|fresh) (?:fracture|break)\b",
        r"\bheard (?:a|something) (?:crack|snap|pop)",
    ),
    _rule(
        Urgency.URGENT,
        "pain much worse or not controlled by painkillers",
        NHS_BACK_PAIN,
        r"\b(?:pain ?killers?|paracetamol|ibuprofen|codeine|co-codamol|tablets|medication)\b[\w\s,']{0,30}"
        r"(?:not|n't|nothing|no longer|barely) (?:touch\w*|help\w*|work\w*|doing)",
        r"\b(?:pain ?killers?|paracetamol|ibuprofen|codeine|co-codamol)\b[\w\s,']{0,20}\b(?:doing nothing|useless)",
        r"\bpain\b[\w\s,']{0,30}\b(?:much|so much|a lot|really|far|way) worse",
        r"\bworst (?:pain|it'?s ever)",
        r"\b(?:unbearable|excruciating|agoni[sz]ing|agony)\b",
        r"\bcan't (?:sleep|move|walk|stand)\b[\w\s,']{0,15}\bpain",
    ),
    # In a mother with fragile bones, sudden or severe back pain may be a new spinal fracture: seen today.
    _rule(
        Urgency.URGENT,
        "sudden or severe back pain",
        NHS_BACK_PAIN,
        r"\b(?:sudden\w*|severe|agoni[sz]ing|excruciating|terrible|awful)\b[\w\s,']{0,20}\b(?:back|spine|spinal)\b",
        r"\b(?:back|spine|spinal)\b[\w\s,']{0,20}\b(?:sudden\w*|severe|agoni[sz]ing|excruciating)\b",
    ),
    _rule(
        Urgency.URGENT,
        "numbness or weakness in a leg",
        NHS_BACK_PAIN,
        r"\b(?:numb\w*|weak\w*|tingl\w*|pins and needles)[\w\s,']{0,15}\b(?:leg|foot|feet)\b",
        r"\b(?:leg|foot|feet)\b[\w\s,']{0,20}\b(?:numb\w*|weak\w*|tingl\w*)",
    ),
)

# Pain with these words is urgent when she chose the pain topic, even with no body part named.
_PAIN_ESCALATORS = re.compile(r"\b(sudden\w*|severe|worst|unbearable|excruciating|agoni[sz]ing|getting worse)\b")
_PAIN_ESCALATION_REASON = "severe or worsening pain"

# Where a clause ends, for negation and "it has settled": sentence ends, commas, "but".
_CLAUSE_BREAK = re.compile(r"[.;!?,\n]|\bbut\b|\bhowever\b")
_NEGATION = re.compile(
    r"\b(?:no|not|never|without|nor|neither|hasn't|haven't|isn't|wasn't|didn't|doesn't|don't|aren't)\b"
)
_NEGATION_WINDOW = 3  # words before the symptom
_SETTLED = re.compile(
    r"\b(?:settled|passed|cleared(?: up)?|gone away|went away|resolved|disappeared|"
    r"(?:fine|better|ok|okay|normal) now|no longer|not any ?more)\b"
)
_CONTRACTIONS = {
    "cant": "can't",
    "dont": "don't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "couldnt": "couldn't",
    "wont": "won't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "arent": "aren't",
    "im": "i'm",
    "ive": "i've",
    "id": "i'd",
    "its": "it's",
    "theres": "there's",
}
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class Triage:
    level: int  # EMERGENCY, CRISIS, URGENT or ROUTINE (SOON is a nurse's own judgement only)
    reasons: tuple[str, ...]  # for nurses: what triggered it, with her words in quotes

    @property
    def label(self) -> str:
        return Urgency(self.level).label

    @property
    def is_alarm(self) -> bool:
        """Emergency or crisis: the nurses on duty are alerted at once."""
        return self.level in ALARM_LEVELS


def _normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = re.sub(r"\b[a-z]+\b", lambda m: _CONTRACTIONS.get(m.group(0), m.group(0)), text)
    return " ".join(text.split())


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    """The words of the clause before the match, and the rest of the clause after it."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)]
    before = text[breaks[-1] if breaks else 0 : start]
    after_break = _CLAUSE_BREAK.search(text, end)
    after = text[end : after_break.start() if after_break else len(text)]
    return before, after


def _is_negated(before: str) -> bool:
    words = _WORD.findall(before)[-_NEGATION_WINDOW:]
    return bool(_NEGATION.search(" ".join(words)))


def _sentence(text: str, start: int) -> str:
    """The whole sentence around a position, for 'it has settled now'."""
    begin = max(text.rfind(stop, 0, start) for stop in ".!?\n") + 1
    ends = [i for i in (text.find(stop, start) for stop in ".!?\n") if i != -1]
    return text[begin : min(ends) if ends else len(text)]


def _lower(level: int) -> int | None:
    """One level down for a physical symptom she says has settled: emergency to urgent, urgent to none."""
    return {Urgency.EMERGENCY: Urgency.URGENT}.get(level)


def triage(text: str, topics: list[str] | tuple[str, ...] = ()) -> Triage:
    """The level her words and topics call for, and why (for nurses). Stores nothing."""
    normalised = _normalise(text)
    found: dict[str, tuple[int, str]] = {}  # reason -> (level, her words)
    for rule in RULES:
        for match in rule.pattern.finditer(normalised):
            before, _ = _clause(normalised, match.start(), match.end())
            if _is_negated(before):
                continue
            level, reason = rule.level, rule.reason
            if rule.level != Urgency.CRISIS and _SETTLED.search(_sentence(normalised, match.start())):
                lowered = _lower(rule.level)
                if lowered is None:
                    continue
                level, reason = lowered, f"{reason} (she says it has settled)"
            if reason not in found or level < found[reason][0]:
                found[reason] = (level, match.group(0).strip())
    if Topic.PAIN in topics and _PAIN_ESCALATORS.search(normalised) and not found:
        found[_PAIN_ESCALATION_REASON] = (Urgency.URGENT, _PAIN_ESCALATORS.search(normalised).group(0))
    if not found:
        return Triage(Urgency.ROUTINE, ())
    ordered = sorted(found.items(), key=lambda item: item[1][0])
    return Triage(
        level=ordered[0][1][0],
        reasons=tuple(f"{reason}: \u201c{words}\u201d" for reason, (level, words) in ordered),
    )


@dataclass(frozen=True)
class ShownAdvice:
    key: str  # "emergency", "crisis", "urgent": for the page's styling
    title: str
    paragraphs: tuple[str, ...]


def _shown(shipped: Advice, key: str) -> ShownAdvice:
    from leaflet.selectors import clinical_text

    title, body = clinical_text(shipped.slug, title=shipped.title, body=shipped.body)
    return ShownAdvice(key=key, title=title, paragraphs=tuple(p.strip() for p in body.split("\n\n") if p.strip()))


def advice_for(level: int) -> ShownAdvice | None:
    """The advice she is shown for a level, as clinical staff last approved it; None for routine."""
    shipped = ADVICE.get(level)
    return _shown(shipped, Urgency(level).name.lower()) if shipped else None


def form_warning() -> ShownAdvice:
    """The "not for emergencies" box on the form, as clinical staff last approved it."""
    return _shown(FORM_WARNING, "warning")
