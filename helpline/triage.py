"""How soon someone who writes to the helpline needs help, decided from her words and topics.

Four levels, each with its own advice (the advice texts are clinical content,
kept in `leaflet.ClinicalText` and approved by a second nurse; the texts below
are the ones the project ships):

- EMERGENCY: call 999 or go to A&E now;
- CRISIS: thoughts of suicide or self-harm, or signs of postpartum psychosis:
  Samaritans (or a GP today), 999 if anyone may be harmed now;
- URGENT: GP today or NHS 111; some red flags need sooner and elsewhere (the
  maternity unit now for a baby moving less, the midwife, GP or 111 now for signs of
  pre-eclampsia), and carry their own advice;
- ROUTINE: a nurse replies as usual.

Two findings stand beside the level, each with its own advice and each alerting the
on-duty nurses like an emergency: words suggesting domestic abuse (`safeguarding`;
she is also told whether we will email her, see `email_unsafe`), and a message not
in English (`language`), since these rules read English only.

The women who write here are pregnant or have just had a baby, so the rules cover
what MBRRACE-UK's confidential enquiries name as the causes of maternal death in the
UK (blood clots, suicide, heart disease, sepsis, bleeding, pre-eclampsia, stroke,
epilepsy) as well as the spine. Every rule names the nhs.uk page it follows and
gives the level that page gives. Missing an emergency is far worse than a false
alarm, so the rules are generous and, when in doubt, escalate. A physical symptom is
let off only where that costs no sensitivity: plainly negated within its own clause
("no numbness"), someone else's history ("my mum broke her hip"), a long-past event
("when I was a teenager"), a general question about a condition ("are clots more
common after birth?"); a symptom she says has settled moves down one level.
Thoughts of suicide or self-harm and signs of abuse are never let off, for negation,
the past, or anything else.

`triage()` is the one entry point: the web form, inbound email, her replies and the
nurse's log of a call all call it.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

from .language import language_of
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
NHS_POST_PREGNANCY_BODY = "https://www.nhs.uk/baby/support-and-services/your-post-pregnancy-body/"
NHS_SEPSIS = "https://www.nhs.uk/conditions/sepsis/"
NHS_STROKE = "https://www.nhs.uk/conditions/stroke/symptoms/"
NHS_EPILEPSY = "https://www.nhs.uk/conditions/epilepsy/"
NHS_PRE_ECLAMPSIA = "https://www.nhs.uk/conditions/pre-eclampsia/"
NHS_BABY_MOVEMENTS = "https://www.nhs.uk/pregnancy/keeping-well/your-babys-movements/"
NHS_POSTPARTUM_PSYCHOSIS = "https://www.nhs.uk/mental-health/conditions/post-partum-psychosis/"
NHS_BROKEN_HIP = "https://www.nhs.uk/conditions/broken-hip/"
NHS_HEAD_INJURY = "https://www.nhs.uk/conditions/head-injury-and-concussion/"
NHS_DOMESTIC_VIOLENCE = "https://www.nhs.uk/live-well/getting-help-for-domestic-violence/"
NHS_WHEN_TO_CALL_999 = "https://www.nhs.uk/nhs-services/urgent-and-emergency-care-services/when-to-call-999/"
NHS_WHEN_TO_USE_111 = "https://www.nhs.uk/nhs-services/urgent-and-emergency-care-services/when-to-use-111/"
# The crisis phrases follow these too (the words people use, not only "suicide"):
SAMARITANS = "https://www.samaritans.org/"
NICE_SELF_HARM = "https://www.nice.org.uk/guidance/ng225"
NATIONAL_DOMESTIC_ABUSE_HELPLINE = "https://www.nationaldahelpline.org.uk/"
WOMENS_AID_SIGNS = "https://www.womensaid.org.uk/information-support/what-is-domestic-abuse/"

# The levels that alert the nurses at once, however they are reached (her words, or a nurse's judgement).
# Safeguarding and a message not in English alert them too, at any level (Triage.is_alarm).
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
# editor (leaflet.ClinicalText); these are what the site shows until then. Marked with
# gettext_noop so they stay plain English here (the editor and the seed migrations read them)
# and are translated only where shown (_shown). Translators: this is clinical safety advice;
# a translation is shown only once it has been clinically reviewed.
ADVICE: dict[int, Advice] = {
    Urgency.EMERGENCY: Advice(
        slug="safety-emergency",
        purpose="on the \u201cAsk a nurse\u201d pages and acknowledgement when her words suggest an emergency",
        title=gettext_noop("Call 999 or go to A&E now"),
        body=gettext_noop(
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
        title=gettext_noop("You do not have to cope with this on your own"),
        body=gettext_noop(
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
        title=gettext_noop("Get medical advice today"),
        body=gettext_noop(
            "What you describe needs a doctor's advice today. Ask your GP surgery for an urgent appointment, "
            "or call NHS 111 (free, day and night) or go to 111.nhs.uk. Do not wait for our reply.\n\n"
            "Call 999 or go to A&E if you get chest pain, sudden difficulty breathing, numbness around your "
            "bottom or genitals, or you cannot control your bladder or bowel."
        ),
        sources=(NHS_BACK_PAIN, NHS_DVT, NHS_PULMONARY_EMBOLISM, NHS_FALLS),
    ),
}

# Advice for red flags whose nhs.uk page says something other than their level's own advice,
# and for the two findings beside the level (safeguarding, a message not in English).
MATERNAL_EMERGENCY = "safety-emergency-maternal"
MATERNITY_UNIT_NOW = "safety-maternity-unit-now"
MIDWIFE_NOW = "safety-midwife-gp-111-now"
PSYCHOSIS = "safety-postpartum-psychosis"
SAFEGUARDING = "safety-domestic-abuse"
OTHER_LANGUAGE = "safety-other-language"

EXTRA_ADVICE: dict[str, Advice] = {
    a.slug: a
    for a in (
        Advice(
            slug=MATERNAL_EMERGENCY,
            purpose="on the \u201cAsk a nurse\u201d pages and acknowledgement when her words suggest heavy "
            "bleeding after birth, sepsis, a stroke, a seizure or a baby who has been hurt",
            title=gettext_noop("Call 999 now"),
            body=gettext_noop(
                "What you describe can be a sign of a serious problem that needs treating straight away, such as "
                "heavy bleeding after the birth, sepsis, a stroke or a seizure, or a baby who has been hurt.\n\n"
                "Call 999 now. Do not wait for a nurse to reply to you.\n\n"
                "Do not drive yourself: wait for the ambulance, or ask someone to take you to A&E."
            ),
            sources=(
                NHS_POST_PREGNANCY_BODY,
                NHS_SEPSIS,
                NHS_STROKE,
                NHS_EPILEPSY,
                NHS_HEAD_INJURY,
                NHS_WHEN_TO_CALL_999,
            ),
        ),
        Advice(
            slug=MATERNITY_UNIT_NOW,
            purpose="on the \u201cAsk a nurse\u201d pages and acknowledgement when she says her baby is moving "
            "less, has stopped moving or moves differently",
            title=gettext_noop("Call your midwife or maternity unit now"),
            body=gettext_noop(
                "If your baby is moving less than usual, you cannot feel them moving any more, or the pattern of "
                "their movements has changed, call your midwife or maternity unit now. They are there 24 hours a "
                "day.\n\n"
                "Do not wait until the next day, even if it is the middle of the night. Do not use a home heartbeat "
                "monitor (Doppler) or an app to check your baby."
            ),
            sources=(NHS_BABY_MOVEMENTS,),
        ),
        Advice(
            slug=MIDWIFE_NOW,
            purpose="on the \u201cAsk a nurse\u201d pages and acknowledgement when her words suggest signs of "
            "pre-eclampsia",
            title=gettext_noop("Call your midwife, GP surgery or NHS 111 now"),
            body=gettext_noop(
                "A severe headache, problems with your vision such as blurring or flashing lights, pain just below "
                "the ribs, or sudden swelling of your face, hands or feet can be signs of pre-eclampsia. It can "
                "happen in pregnancy or soon after the birth.\n\n"
                "Get medical advice now: call your midwife, your GP surgery or NHS 111. Do not wait for a nurse "
                "to reply to you.\n\n"
                "Call 999 if you have a fit (seizure)."
            ),
            sources=(NHS_PRE_ECLAMPSIA, NHS_EPILEPSY),
        ),
        Advice(
            slug=PSYCHOSIS,
            purpose="on the \u201cAsk a nurse\u201d pages and acknowledgement when her words (or her "
            "partner's) suggest postpartum psychosis",
            title=gettext_noop("Get help today: this needs treating urgently"),
            body=gettext_noop(
                "Hearing or seeing things that are not there, believing things that are not true, racing thoughts, "
                "or feeling very high, confused or suspicious after having a baby can be signs of postpartum "
                "psychosis. It is a serious illness that should be treated as a medical emergency, and most women "
                "recover fully with treatment.\n\n"
                "See a GP today, or call NHS 111, and tell your midwife or health visitor.\n\n"
                "Call 999 or go to A&E if you think she, or anyone else, may be in danger of harm."
            ),
            sources=(NHS_POSTPARTUM_PSYCHOSIS, NHS_URGENT_MENTAL_HEALTH),
        ),
        Advice(
            slug=SAFEGUARDING,
            purpose="on the \u201cAsk a nurse\u201d pages (never in an email) when her words suggest domestic abuse",
            title=gettext_noop("If you are not safe at home"),
            body=gettext_noop(
                "If you are in danger now, call 999. If you cannot speak, call 999 from a mobile, listen to the "
                "questions and, when asked, press 55: this tells the police it is a real emergency (the Silent "
                "Solution).\n\n"
                "The National Domestic Abuse Helpline, run by Refuge, is free and open 24 hours a day: call "
                "0808 2000 247. You can also talk to your GP, midwife or health visitor.\n\n"
                "A nurse has been told about your message."
            ),
            sources=(NHS_DOMESTIC_VIOLENCE, NATIONAL_DOMESTIC_ABUSE_HELPLINE, WOMENS_AID_SIGNS),
        ),
        Advice(
            slug=OTHER_LANGUAGE,
            purpose="on the \u201cAsk a nurse\u201d pages and acknowledgement when her message is not in "
            "English (including Welsh, until Welsh rules are clinically reviewed)",
            title=gettext_noop("Urgent help, in any language"),
            body=gettext_noop(
                "Call 999 or go to A&E now if you or your baby may be seriously ill or hurt, or you are in "
                "danger.\n\n"
                "If you are thinking of ending your life or harming yourself, call Samaritans free on 116 123, "
                "day or night.\n\n"
                "For urgent medical advice, call NHS 111 (free, day and night). NHS 111 can give you an "
                "interpreter: say which language you speak.\n\n"
                "A nurse has been told about your message."
            ),
            sources=(NHS_WHEN_TO_CALL_999, NHS_WHEN_TO_USE_111, NHS_SUICIDAL_THOUGHTS),
        ),
    )
}
# Never put in an email: whoever reads her inbox may be the person she is afraid of.
NOT_EMAILED = frozenset({SAFEGUARDING})

# Shown on the form before she writes anything: the same three levels, in brief.
FORM_WARNING = Advice(
    slug="safety-form-warning",
    purpose="on the \u201cAsk a nurse\u201d form, before she writes her question",
    title=gettext_noop("This form is not for emergencies"),
    body=gettext_noop(
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
SHIPPED_TEXTS = (*ADVICE.values(), *EXTRA_ADVICE.values(), FORM_WARNING)


@dataclass(frozen=True)
class Rule:
    level: int
    reason: str  # for nurses: what the rule is looking for
    page: str  # the nhs.uk page it follows
    pattern: re.Pattern
    advice: str = ""  # a slug in EXTRA_ADVICE when the page's advice is not the level's own
    let_off: bool = True  # False: never let off for negation, the past, someone else or a question
    safeguarding: bool = False  # words suggesting domestic abuse
    email_unsafe: bool = False  # someone else may read her email: nothing is emailed to her


def _rule(level: int, reason: str, page: str, *patterns: str, **options) -> Rule:
    return Rule(level, reason, page, re.compile("|".join(f"(?:{p})" for p in patterns)), **options)


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
_PADS = r"(?:pads?|maternity pads?|sanitary (?:pads?|towels?)|towels?|sheets|nappy|nappies)\b"
_BABY = r"(?:my |the |our |her )?(?:baby|newborn|little one|son|daughter|boy|girl)"
_ABUSER = (
    r"(?:he|he's|partner|husband|boyfriend|fiance|ex|ex-partner|ex-husband|fella|baby's dad|baby's father|"
    r"father of my baby|his mum|his mother|mother-in-law|father-in-law|in-laws|brother-in-law)"
)

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
    # ---- emergency: heavy bleeding after the birth (postpartum haemorrhage)
    _rule(
        Urgency.EMERGENCY,
        "heavy bleeding after the birth",
        NHS_POST_PREGNANCY_BODY,
        rf"\bsoak\w*[\w\s,']{{0,30}}\b{_PADS}",
        rf"\b{_PADS}[\w\s,']{{0,30}}\b(?:soak\w*|full of blood|every hour|an hour|each hour)",
        r"\b(?:large|big|huge|massive|golf ?ball|plum|fist|palm)[\w\s-]{0,15}\bclots?\b",
        r"\bclots?\b[\w\s,']{0,20}\b(?:size of|as big as|bigger than)\b",
        r"\b(?:heavy|heavier|gushing|pouring|lots of|so much|sudden|loads of|a lot of)\b[\w\s,']{0,15}"
        r"\b(?:bleed\w*|blood)\b",
        r"\bbleed\w*[\w\s,']{0,20}\b(?:heav\w*|a lot|loads|won't stop|not stopping|isn't stopping|through|everywhere|"
        r"gushing|pouring|flooding|hasn't slowed|not slowing)",
        r"\bsoaked (?:through )?(?:after|in|within) (?:about |only |less than )?(?:\d+|an?|half an?) (?:mins?|minutes|hours?)",
        r"\b(?:going|gone|getting|got) through (?:\w+ )?(?:maternity )?pads\b",
        r"\bblood\b[\w\s,']{0,20}\b(?:gushing|pouring|running down|everywhere|won't stop)",
        r"\b(?:faint|dizzy|light ?headed|woozy)\b[\w\s,']{0,40}\bbleed\w*",
        r"\bbleed\w*[\w\s,']{0,40}\b(?:faint|dizzy|light ?headed|woozy)\b",
        advice=MATERNAL_EMERGENCY,
    ),
    # ---- emergency: sepsis. The page's "call 999" signs stand alone; a fever alone is urgent (below).
    _rule(
        Urgency.EMERGENCY,
        "possible sepsis: confusion, blotchy or blue skin, or no urine",
        NHS_SEPSIS,
        r"\bconfused\b(?! (?:about|by|as to|whether|which|what|how|with|over|why|if|because))",
        r"\bconfusion\b(?! (?:about|over|with|as to|around))",
        r"\b(?:not making (?:any )?sense|making no sense|disorientated|disoriented|delirious)\b",
        r"\b(?:blotchy|mottled|blue|bluish|grey|gray|ashen)\b[\w\s,']{0,20}\b(?:skin|lips|tongue|fingers)\b",
        r"\b(?:skin|lips|tongue)\b[\w\s,']{0,15}\b(?:blotchy|mottled|blue|bluish|grey|gray|ashen)\b",
        r"\brash\b[\w\s,']{0,30}\b(?:doesn't|does not|won't|didn't|not) (?:fade|go)",
        rf"(?:haven't|have not|hasn't|has not|not|no) (?:had a |been for a |done a )?(?:{_PEE}|weed|peed|wee|"
        r"passed (?:any )?urine)[\w\s]{0,20}\b(?:all day|since|for \w+ hours|in \w+ hours|today)",
        advice=MATERNAL_EMERGENCY,
    ),
    # ---- emergency: stroke (face, arms, speech) and a seizure
    _rule(
        Urgency.EMERGENCY,
        "signs of a stroke: face, arm or speech",
        NHS_STROKE,
        r"\bface\b[\w\s,']{0,25}\b(?:droop\w*|dropp\w*|dropped|fallen|sagg\w*|lopsided|gone numb)",
        r"\b(?:droop\w*|dropp\w*|sagg\w*)\b[\w\s,']{0,20}\b(?:face|mouth|eyelid|lip)\b",
        r"\b(?:mouth|eye|eyelid|lip|smile)\b[\w\s,']{0,15}\b(?:droop\w*|dropp\w*|sagg\w*|lopsided)",
        r"\b(?:slurr\w*|garbled)\b",
        r"(?:can't|cannot|couldn't|unable to) (?:get (?:my|the|her) words out|speak properly|talk properly|"
        r"find (?:my|the|her) words|smile properly)",
        r"(?:can't|cannot|couldn't|unable to) (?:lift|raise|move) (?:my|her|one|either) (?:left |right )?arm",
        r"\b(?:left|right|one) arm\b[\w\s,']{0,20}\b(?:weak|numb|dead|heavy|floppy|won't move)\b",
        r"\b(?:one|left|right) side of (?:my|her) (?:face|body)\b[\w\s,']{0,25}\b(?:numb|weak|droop\w*|dropp\w*|"
        r"paralys\w*|dead|gone)",
        r"\b(?:having|is having|had|think (?:i'm|she's|i am|she is|i'm having|she's having)) (?:a )?(?:stroke|mini stroke|tia)\b",
        advice=MATERNAL_EMERGENCY,
    ),
    _rule(
        Urgency.EMERGENCY,
        "a fit or seizure",
        NHS_EPILEPSY,
        r"\bseizures?\b",
        r"\bconvuls\w*",
        r"\b(?:had|having|has had|have had|was having|took) (?:a |another |her first |my first )?(?:fit|fits)\b",
        r"\bfitting\b(?! (?:in|into|a|the|my|her|it|back|me|them))",
        r"\bcalled a (?:fit|seizure)\b",
        r"\b(?:a|first|another) fit (?:at|this|last|in|today|yesterday|tonight)\b",
        r"\b(?:shaking|jerking|twitching) (?:all over|uncontrollably|and (?:went|was) (?:stiff|unconscious))",
        r"\bwent (?:all )?stiff and (?:shook|shaking|jerk\w*|twitch\w*)",
        r"\b(?:started|start|began|was) (?:jerking|twitching|convulsing|fitting)\b",
        r"\b(?:jerking|twitching) (?:movements|all over|uncontrollably|of (?:her|my) (?:arms|legs|body))",
        advice=MATERNAL_EMERGENCY,
    ),
    # ---- emergency: a baby hurt, shaken or dropped
    _rule(
        Urgency.EMERGENCY,
        "a baby hurt, shaken or dropped",
        NHS_HEAD_INJURY,
        rf"(?<!nearly )(?<!almost )\b(?:dropped|shook|shaken|hit|threw|thrown) {_BABY}",
        rf"{_BABY}\b[\w\s,']{{0,20}}\b(?:fell|has fallen|rolled off|hit (?:his|her|their) head|banged (?:his|her|their) "
        r"head|isn't breathing|not breathing|stopped breathing|floppy|unresponsive|won't wake|can't wake)",
        rf"{_BABY}\b[\w\s,']{{0,15}}\b(?:was|got|has been|been) (?:shaken|hurt|hit|dropped|injured)",
        advice=MATERNAL_EMERGENCY,
        let_off=False,
    ),
    # ---- emergency: a suspected broken hip (the broken hip page says call 999)
    _rule(
        Urgency.EMERGENCY,
        "a suspected broken hip",
        NHS_BROKEN_HIP,
        r"\b(?:broken|broke|fractured|cracked) (?:my |her |the )?hip",
        r"\bhip\b[\w\s,']{0,40}\b(?:can't|cannot|couldn't|unable to|not able to) (?:stand|walk|get up|put (?:any )?weight|"
        r"bear (?:any )?weight|move)",
        r"(?:can't|cannot|couldn't|unable to|not able to) (?:stand|walk|get up|put (?:any )?weight|bear (?:any )?weight)"
        r"[\w\s,']{0,40}\bhip",
        r"\bleg\b[\w\s,']{0,25}\b(?:turned out|turning out|twisted outwards|looks shorter|is shorter)",
    ),
    # ---- crisis: nhs.uk "where to get urgent help for mental health" and "help for suicidal thoughts";
    # the indirect words from Samaritans' signs to look out for and NICE NG225 (self-harm). Never let off.
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
        r"\bbetter off (?:dead|without (?:me|her|her mum|a mum like me)\b|if i (?:was|were)n't here|if i wasn't here|"
        r"if i (?:was|were) gone|with(?:out)? me gone)",
        r"\bbetter off with (?:someone|another mum|a different mum|a better mum)",
        r"\b(?:better off|happier|easier|better)\b[\w\s']{0,15}\bif i (?:was|were|wasn't|weren't) (?:gone|dead|not here|"
        r"here|around|alive)",
        r"\bdeserves? (?:a )?better (?:mum|mother|than me)",
        r"(?:don't|do not|dont|didn't) want to (?:be here|wake up|live|go on|carry on|be alive|exist)",
        r"\b(?:hop\w*|wish\w*|pray\w*) (?:that )?i (?:don't|do not|won't|wouldn't|never|didn't) wake up",
        r"\b(?:go|went|going) to sleep and (?:not|never) wak\w* up",
        r"\bnever want(?:ed)? to wake up",
        r"\b(?:not|never) (?:to )?wak(?:e|ing) up (?:again|in the morning|tomorrow)",
        r"\b(?:wish|wishing) i (?:just )?(?:wasn't|was not|weren't|could disappear|could just disappear|"
        r"could vanish) ?(?:here|alive|around|anymore|any more)?",
        r"\b(?:no|what's the|whats the|not any|there's no|don't see the|dont see the|can't see the|cant see the|"
        r"see no) point (?:in |of )?(?:living|going on|being here|carrying on|being alive|anything|any of it|"
        r"trying|me being here|life)",
        r"\bcan't (?:go on|carry on|keep going)\b",
        r"\bnot (?:be|being) here any ?more",
        r"\b(?:i'm|i am|i feel like|feel like|being|i've become|just) (?:a |such a |nothing but a )?(?:burden|"
        r"waste of space)",
        r"\bburden (?:to|on|for) (?:everyone|my|them|him|you|the)",
        r"\bwant (?:it all|everything|it|the pain) to (?:stop|end)\b(?! (?:hurting))",
        r"\b(?:tired|sick) of (?:living|being alive|life|being here)",
        r"\b(?:sav\w*|stockpil\w*|hoard\w*|stash\w*|squirrel\w*|hid\w*) (?:up )?(?:my |some |all my |all the |the )?"
        r"(?:tablets|pills|meds|medication|painkillers|co-codamol|codeine|tramadol|paracetamol|sleeping pills)",
        r"\b(?:goodbye|farewell|suicide) (?:letters?|notes?|messages?|texts?)",
        r"\bwr(?:ote|itten|iting|ite) (?:a |some |my )?(?:letters?|notes?) (?:to|for) (?:my |the )?(?:kids|children|"
        r"baby|family|husband|partner|everyone|son|daughter|mum)\b[\w\s,']{0,30}\b(?:in case|goodbye|sorry|when i'm gone)",
        r"\bsa(?:y|ying|id) (?:my )?goodbyes?\b",
        r"\b(?:giv\w*|gave) away (?:all )?my (?:things|stuff|clothes|belongings)",
        r"\b(?:sort\w*|put) (?:out )?my (?:affairs|will) in order",
        r"\bjump(?:ing)? (?:off|from|in front of)",
        r"\b(?:in front of|under) a (?:train|lorry|bus|car|truck)",
        r"\b(?:hang|hanging|drown|drowning|gas|gassing|poison|poisoning) myself",
        r"\b(?:looked up|looking up|researched|researching|googl\w*|search\w*) (?:how|ways) (?:to|many|much)",
        r"\bhow many (?:tablets|pills|paracetamol|painkillers)\b[\w\s']{0,30}\b(?:take|kill|overdose|die|would it|does it)",
        r"\b(?:know|found|picked|chosen|thought about|worked out) (?:where|how|when) (?:i'd|i would|i will|i'll|to|i could)"
        r" (?:do it|end it|go)",
        r"\bplan(?:s|ned|ning)? (?:to |how to |for )?(?:do it|end it|end my)",
        let_off=False,
    ),
    _rule(
        Urgency.CRISIS,
        "thoughts of self-harm or an overdose",
        NHS_URGENT_MENTAL_HEALTH,
        r"\bself[- ]?harm\w*",
        r"\b(?:harm\w*|hurt\w*|cut\w*|injur\w*|burn\w*|scratch\w*|punch\w*|starv\w*) myself",
        r"\bbang\w* my head (?:against|on) (?:the )?(?:wall|floor)",
        r"\boverdos\w*",
        r"\btak(?:e|ing) (?:all|them all|the lot|all of)\b[\w\s]{0,20}\b(?:tablets|pills|meds|medication|them)\b",
        r"\btak(?:e|ing) (?:all|the lot) of (?:them|my|the)",
        r"\bjust take all of them\b",
        let_off=False,
    ),
    _rule(
        Urgency.CRISIS,
        "thoughts of harming the baby",
        NHS_URGENT_MENTAL_HEALTH,
        r"\b(?:harm\w*|hurt\w*|kill\w*|smother\w*|shak\w*|drown\w*) (?:my|the|our) (?:baby|son|daughter|little one)",
        r"\bbaby (?:would|will|'d) be better off without (?:me|her mum|a mum)",
        let_off=False,
    ),
    # ---- crisis: postpartum psychosis, "treated as a medical emergency"; often written by a partner
    _rule(
        Urgency.CRISIS,
        "possible postpartum psychosis: hearing or seeing things, strange beliefs, racing thoughts",
        NHS_POSTPARTUM_PSYCHOSIS,
        r"\bhear\w* (?:voices|things|someone talking)",
        r"\bvoices\b[\w\s,']{0,25}\b(?:tell\w*|told|say\w*|in (?:my|her) head)",
        r"\bsee(?:ing|s)? (?:things|people|faces) (?:that )?(?:aren't|are not|who aren't|that are not|nobody else)",
        r"\bseeing things\b",
        rf"\b(?:swapped|switched|replaced|not (?:really )?(?:my|our|her) (?:real )?(?:baby|child)|(?:isn't|is not) "
        rf"(?:really )?(?:my|our|her) (?:baby|child)|{_BABY} (?:is|was) (?:evil|possessed|the devil|not human))",
        r"\bracing thoughts|thoughts (?:are |keep )?racing|mind (?:is |keeps )?racing",
        r"\b(?:talking|speaking) (?:non-?stop|really fast|so fast|very fast|nonsense)",
        r"\b(?:hasn't|has not|haven't|have not|not) slept (?:at all )?(?:for|in) (?:\d+|two|three|four|five|days)\b"
        r"[\w\s,']{0,40}\b(?:energ\w*|high|racing|talking|strange|odd|weird|not herself|doesn't need)",
        r"\b(?:doesn't|does not|don't|do not) (?:need|want) (?:to )?sleep\b",
        r"\b(?:paranoid|convinced (?:that )?(?:someone|people|they|the nurses|the doctors|we are|i am)|people are "
        r"(?:watching|following|after)|(?:someone|they) (?:is|are) (?:watching|following|poisoning|after) (?:me|her|us))",
        r"\b(?:has|have|got|developing|think (?:she|i) (?:has|have|might have)) (?:postpartum |postnatal |"
        r"puerperal )?psychosis",
        r"\b(?:acting|behaving) (?:really |very |so )?(?:strange|strangely|weird|weirdly|odd|oddly|out of character)",
        r"\bspecial (?:powers|mission|messages)\b",
        advice=PSYCHOSIS,
        let_off=False,
    ),
    # ---- safeguarding: nhs.uk "getting help for domestic violence", Women's Aid's signs of abuse
    _rule(
        Urgency.URGENT,
        "possible domestic abuse",
        NHS_DOMESTIC_VIOLENCE,
        rf"\b{_ABUSER}\b[\w\s']{{0,25}}\b(?:hit|hits|hitting|punch\w*|kick\w*|slap\w*|push\w*|shov\w*|strangl\w*|"
        r"chok\w*|grabb\w*|beat\w*|hurt\w*|threw|throws|shook|shakes|bit|bites|spat|spits|strikes|struck) (?:me|her)\b"
        r"(?! (?:to|into))",
        r"\b(?:pushed|shoved|threw|thrown) (?:me|her) (?:down|into|against|onto|out|across)",
        r"\b(?:scared|afraid|frightened|terrified) (?:of )?(?:him|my (?:partner|husband|boyfriend|ex|fella)|what he "
        r"(?:will|'ll|might|would) do|to go home|of going home)",
        rf"\b{_ABUSER}\b[\w\s']{{0,25}}\bthreat\w*",
        r"\bthreaten\w* (?:to )?(?:kill|hurt|take the baby|take my baby|take the kids|leave me with nothing)",
        r"\b(?:said|says|told me|tells me|swore)\b[\w\s']{0,20}\b(?:he'd|he would|he will|he'll|he's going to|he is going "
        r"to|he's gonna) (?:kill|hurt|hit|harm|take) (?:me|her|the baby|my baby|the kids|us)",
        r"\b(?:pushed|pushes|shoved|knocked|throws|threw) (?:me|her) (?:around|about|over)",
        rf"\b{_ABUSER}\b[\w\s']{{0,25}}\b(?:controls?|takes?|took|keeps?|hides?|hid|withholds?|won't give me) "
        r"(?:all |away )?(?:my |the |our )?(?:money|bank card|cards|wages|benefits|medication|meds|tablets|pills|"
        r"injections|passport|keys|car keys)",
        rf"\b{_ABUSER}\b[\w\s']{{0,20}}\b(?:won't|doesn't|does not|will not|never) let (?:me|her) (?:see|go|leave|out|"
        r"have|take|talk|speak|phone|call|use)",
        r"\b(?:not allowed|isn't allowed|am not allowed|i'm not allowed) to (?:see|go|leave|have|use|speak|talk|phone|"
        r"call|take|work)",
        r"\b(?:domestic (?:abuse|violence)|abusive (?:relationship|partner|husband|boyfriend|ex)|coercive control)",
        r"\b(?:forc\w*|made|makes) (?:me|her) (?:to )?have sex\b",
        r"\brap(?:e|ed|ing)\b",
        safeguarding=True,
        advice=SAFEGUARDING,
        let_off=False,
    ),
    _rule(
        Urgency.URGENT,
        "someone else reads her email or phone",
        NHS_DOMESTIC_VIOLENCE,
        rf"\b(?:{_ABUSER}|someone|they|people)\b[\w\s']{{0,25}}\b(?:checks?|checking|reads?|reading|goes through|"
        r"going through|looks through|looking through|monitors?|tracks?|watches|has access to|has the password to|"
        r"knows? (?:all )?my passwords?)\b[\w\s']{0,25}\b(?:phone|emails?|e-mails?|messages|texts|inbox|account|"
        r"laptop|computer)",
        safeguarding=True,
        email_unsafe=True,
        advice=SAFEGUARDING,
        let_off=False,
    ),
    # Not a safety level: she asks not to be emailed (a shared inbox, someone may see it).
    _rule(
        Urgency.ROUTINE,
        "she asks not to be emailed",
        NHS_DOMESTIC_VIOLENCE,
        r"\b(?:not safe|isn't safe|unsafe) (?:for me )?to (?:email|e-mail|write|text)",
        r"\b(?:please )?(?:don't|do not|never) (?:email|e-mail|write to|text) me",
        r"\b(?:shared|joint|family) (?:email|e-mail|inbox|account)",
        rf"\b{_ABUSER}\b[\w\s']{{0,20}}\b(?:might|could|will|would) (?:see|read|find) (?:this|your|my|the) "
        r"(?:reply|email|e-mail|message|answer)?",
        email_unsafe=True,
        let_off=False,
    ),
    # ---- urgent, with their own advice: pre-eclampsia (midwife, GP or 111 now), baby's movements (maternity unit now)
    _rule(
        Urgency.URGENT,
        "possible pre-eclampsia: severe headache, vision problems, swelling, pain below the ribs",
        NHS_PRE_ECLAMPSIA,
        r"\b(?:severe|bad|awful|terrible|splitting|pounding|worst|horrendous|horrible|massive|blinding|thumping|"
        r"really bad|stonking|banging)\b[\w\s,']{0,12}\bhead ?aches?",
        r"\bhead ?aches?\b[\w\s,']{0,30}\b(?:won't go|wont go|not going away|that won't|severe|awful|paracetamol "
        r"(?:isn't|not|doesn't)|for days)",
        r"\bmigraine",
        r"\bhead ?aches?\b[\w\s,']{0,15}\b(?:is|has been|getting|got|are) (?:really |so |very )?(?:bad|awful|terrible|"
        r"severe|worse|unbearable)",
        r"\b(?:blurr\w*|flash\w*|sparkl\w*|spots|zigzag\w*|stars|fuzzy)\b[\w\s,']{0,20}\b(?:vision|eyes?|sight|lights?|"
        r"in front of)",
        r"\b(?:vision|eyesight|sight)\b[\w\s,']{0,20}\b(?:blurr\w*|fuzzy|funny|gone|strange|weird|problems?|odd|"
        r"flash\w*|spots)",
        r"\bseeing (?:stars|spots|flashes|flashing)",
        r"\b(?:sudden\w*|really|very|so|massively|badly)\b[\w\s,']{0,10}\b(?:swollen|swelling|swelled|puffy|puffed "
        r"up)\b[\w\s,']{0,20}\b(?:face|hands?|feet|fingers|ankles|eyes)",
        r"\b(?:face|hands?|feet|fingers)\b[\w\s,']{0,20}\b(?:swollen|swelled|swelling|puffy|puffed up)",
        r"\brings? (?:don't|won't|no longer|doesn't|do not) (?:fit|go on)",
        r"\bpain\b[\w\s,']{0,20}\b(?:under|below|beneath) (?:my |the )?(?:right )?(?:ribs?|rib cage)",
        r"\b(?:under|below|beneath) (?:my |the )?(?:ribs?|rib cage)\b[\w\s,']{0,20}\b(?:pain|hurts?|ache|aching|sore)",
        r"\b(?:i have|i've got|i've been diagnosed with|diagnosed with|think i (?:have|might have|'ve got)|signs of|"
        r"symptoms of|she has|she's got) pre-?eclampsia",
        advice=MIDWIFE_NOW,
    ),
    _rule(
        Urgency.URGENT,
        "her baby moving less or not at all",
        NHS_BABY_MOVEMENTS,
        r"\b(?:baby|bump|he|she|they)\b[\w\s,']{0,20}\b(?:not|hasn't|hasnt|isn't|stopped|hardly|less|barely|not been|"
        r"haven't)\b[\w\s,']{0,10}\b(?:mov\w*|kick\w*|wriggl\w*)",
        r"\b(?:less|fewer|reduced|no|not felt|haven't felt|can't feel|cannot feel|not many|not much)\b[\w\s,']{0,15}"
        r"\b(?:movements?|kicks?|moving|kicking|wriggling)",
        r"(?:haven't|have not|not|can't|cannot|didn't|did not) (?:felt|feel) (?:the |my )?(?:baby|him|her|them|bump|"
        r"any)\b[\w\s]{0,10}\b(?:move|moving|kick\w*|wriggl\w*)",
        r"\bmov\w*\b[\w\s]{0,10}\b(?:less|much less|a lot less|less than usual|differently)\b",
        r"\b(?:quieter|very quiet|really quiet|so quiet) (?:than usual|today|since)",
        advice=MATERNITY_UNIT_NOW,
        let_off=False,
    ),
    _rule(
        Urgency.URGENT,
        "an infected wound or stitches",
        NHS_SEPSIS,
        r"\b(?:wound|scar|stitches|incision|cut|tear|section)\b[\w\s,']{0,30}\b(?:infect\w*|pus|oozing|smell\w*|"
        r"weeping|leak\w*|opened up|come open|gaping|red and hot|hot and red)",
        r"\b(?:infect\w*|pus|oozing)\b[\w\s,']{0,30}\b(?:wound|scar|stitches|incision|section)\b",
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
    r"\b(?:settled|(?:has|have|had|it) passed|passed off|cleared(?: up)?|gone away|went away|resolved|disappeared|"
    r"(?:fine|better|ok|okay|normal) now|now (?:fine|better|ok|okay|normal)|no longer|not any ?more)\b"
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
    "hes": "he's",
    "shes": "she's",
}
_WORD = re.compile(r"[a-z']+")
_SOMEONE_ELSE = re.compile(
    r"\bmy (?:mum|mother|mom|nan|nana|gran|granny|grandma|grandmother|grandad|grandfather|dad|father|aunt|auntie|"
    r"aunty|uncle|great[- ]\w+|friend's|neighbour)\b(?![- ]in[- ]law)(?!\s+(?:says|said|thinks|thought|noticed|told|reckons|is worried|"
    r"was worried|found|saw|rang|called|is here|came))"
)
_FAMILY_HISTORY = re.compile(r"\b(?:runs in (?:the|my|our) family|family history)\b")
_LONG_AGO = re.compile(
    r"\b(?:(?:\d+|two|three|four|five|six|seven|eight|nine|ten|many|several|a few|some) years ago|last year|"
    r"in (?:19|20)\d\d|when i was (?:a |an )?(?:child|kid|teen|teenager|little|younger|girl|student|\d+)|"
    r"as a (?:child|kid|teenager|girl)|(?:has|have|had) (?:all |completely |fully )?healed(?: up| well| now)?|"
    r"healed (?:now|well|up)|in my (?:last|first|previous) pregnancy|with my (?:first|last|older|eldest|previous) "
    r"(?:baby|pregnancy|son|daughter|child))\b"
)
_PRESENT = re.compile(
    r"(?<!nothing )(?<!none )(?<!not )\b(?:now|today|tonight|this morning|this evening|again|since|still|currently|at the moment)\b"
)
_GENERAL_QUESTION = re.compile(
    r"\s*(?:can|could|does|do|is|are|will|would|what|how|why|which|should|may|might)\b(?! i\b| i'm\b| my\b)"
)
_PERSONAL = re.compile(r"\b(?:i|i'm|i've|i'd|me|my|mine|she|she's|her|he|his|we|our|us)\b")


@dataclass(frozen=True)
class Triage:
    level: int  # EMERGENCY, CRISIS, URGENT or ROUTINE (SOON is a nurse's own judgement only)
    reasons: tuple[str, ...]  # for nurses: what triggered it, with her words in quotes
    advice: tuple[str, ...] = ()  # slugs of the advice she is shown, most pressing first
    safeguarding: bool = False  # her words suggest domestic abuse
    email_unsafe: bool = False  # someone else may read her email: nothing is emailed to her
    language: str = ""  # "" for English, else the language she wrote in ("Polish")

    @property
    def label(self) -> str:
        return Urgency(self.level).label

    @property
    def is_alarm(self) -> bool:
        """The nurses on duty are alerted at once: emergency, crisis, safeguarding, or not in English."""
        return self.level in ALARM_LEVELS or self.safeguarding or bool(self.language)


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


def _someone_else_or_long_ago(clause: str, sentence: str) -> bool:
    """Someone else's history ("my mum broke her hip"), a long-past event, or a general question."""
    if _SOMEONE_ELSE.search(clause) or _FAMILY_HISTORY.search(sentence):
        return True
    past = _LONG_AGO.search(sentence)
    if past and not _PRESENT.search(_LONG_AGO.sub(" ", sentence)):
        return True
    return bool(_GENERAL_QUESTION.match(sentence)) and not _PERSONAL.search(sentence)


def _let_off(rule: Rule, text: str, start: int, end: int) -> bool:
    before, after = _clause(text, start, end)
    if _is_negated(before):
        return True
    return _someone_else_or_long_ago(before + text[start:end] + after, _sentence(text, start))


def _advice_slug(rule: Rule, level: int) -> str:
    if rule.advice:
        return rule.advice
    shipped = ADVICE.get(level)
    return shipped.slug if shipped else ""


def triage(text: str, topics: list[str] | tuple[str, ...] = ()) -> Triage:
    """The level her words and topics call for, and why (for nurses). Stores nothing."""
    normalised = _normalise(text)
    found: dict[str, tuple[int, str, str]] = {}  # reason -> (level, her words, advice slug)
    safeguarding = email_unsafe = False
    for rule in RULES:
        for match in rule.pattern.finditer(normalised):
            level, reason = rule.level, rule.reason
            if rule.let_off:
                if _let_off(rule, normalised, match.start(), match.end()):
                    continue
                if _SETTLED.search(_sentence(normalised, match.start())):
                    lowered = _lower(rule.level)
                    if lowered is None:
                        continue
                    level, reason = lowered, f"{reason} (she says it has settled)"
            safeguarding |= rule.safeguarding
            email_unsafe |= rule.email_unsafe
            if reason not in found or level < found[reason][0]:
                found[reason] = (level, match.group(0).strip(), _advice_slug(rule, level))
    if Topic.PAIN in topics and _PAIN_ESCALATORS.search(normalised) and not found:
        words = _PAIN_ESCALATORS.search(normalised).group(0)
        found[_PAIN_ESCALATION_REASON] = (Urgency.URGENT, words, ADVICE[Urgency.URGENT].slug)
    language = language_of(text) if text.strip() else ""
    if language:
        found[f"written in {language}: these rules read English only"] = (Urgency.URGENT, "", "")
    if not found:
        return Triage(Urgency.ROUTINE, ())
    ordered = sorted(found.items(), key=lambda item: item[1][0])
    top = ordered[0][1][0]
    shown = [OTHER_LANGUAGE] if language else []
    for _reason, (level, _words, slug) in ordered:
        if slug and (level == top or level == Urgency.CRISIS or slug == SAFEGUARDING):
            shown.append(slug)
    return Triage(
        level=top,
        reasons=tuple(
            f"{reason}: \u201c{words}\u201d" if words else reason for reason, (level, words, _slug) in ordered
        ),
        advice=tuple(dict.fromkeys(shown)),
        safeguarding=safeguarding,
        email_unsafe=email_unsafe,
        language=language,
    )


@dataclass(frozen=True)
class ShownAdvice:
    key: str  # "emergency", "crisis", "urgent", "safeguarding", "language": for the page's styling
    title: str
    paragraphs: tuple[str, ...]
    slug: str = ""


def _shown(shipped: Advice, key: str) -> ShownAdvice:
    from leaflet.selectors import clinical_text

    title, body = clinical_text(shipped.slug, title=shipped.title, body=shipped.body)
    if (title, body) == (shipped.title, shipped.body):
        # No approved change: the shipped wording, in the reader's language where a reviewed translation exists.
        title, body = gettext(shipped.title), gettext(shipped.body)
    paragraphs = tuple(p.strip() for p in body.split("\n\n") if p.strip())
    return ShownAdvice(key=key, title=title, paragraphs=paragraphs, slug=shipped.slug)


def advice_for(level: int) -> ShownAdvice | None:
    """The advice she is shown for a level, as clinical staff last approved it; None for routine."""
    shipped = ADVICE.get(level)
    return _shown(shipped, Urgency(level).name.lower()) if shipped else None


_ADVICE_KEYS = {SAFEGUARDING: "safeguarding", OTHER_LANGUAGE: "emergency", PSYCHOSIS: "crisis"}
_ADVICE_BY_SLUG = {a.slug: (a, level) for level, a in ADVICE.items()} | {
    slug: (a, None) for slug, a in EXTRA_ADVICE.items()
}


def advice_shown(slugs: tuple[str, ...] | list[str], *, level: int, emailed: bool = False) -> list[ShownAdvice]:
    """Every advice text for what she wrote, as clinical staff last approved them, most pressing first.

    `slugs` come from `Triage.advice`; with none (an older session), the level's own advice.
    In an email (`emailed`), the domestic abuse advice is left out: her inbox may not be hers alone.
    """
    slugs = list(slugs) or ([ADVICE[level].slug] if level in ADVICE else [])
    shown = []
    for slug in slugs:
        if slug not in _ADVICE_BY_SLUG or (emailed and slug in NOT_EMAILED):
            continue
        shipped, own_level = _ADVICE_BY_SLUG[slug]
        key = Urgency(own_level).name.lower() if own_level else _ADVICE_KEYS.get(slug, "")
        if not key:
            key = {Urgency.EMERGENCY: "emergency", Urgency.CRISIS: "crisis"}.get(level, "urgent")
        shown.append(_shown(shipped, key))
    return shown


def form_warning() -> ShownAdvice:
    """The "not for emergencies" box on the form, as clinical staff last approved it."""
    return _shown(FORM_WARNING, "warning")
