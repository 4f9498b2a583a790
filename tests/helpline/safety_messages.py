"""Messages as women write them to the helpline, each with the level a nurse would give it.

Written from what women tell the helpline and from the NHS pages the triage
follows, not from the triage's patterns: spelling mistakes, no capitals,
indirect phrasing, negations and past events included. Used by
test_triage_evaluation.py to measure the triage, never to tune single words.
"""

EMERGENCY = "emergency"
CRISIS = "crisis"
URGENT = "urgent"
ROUTINE = "routine"

# (message, topics, expected level)
MESSAGES: list[tuple[str, list[str], str]] = [
    # ---- emergency: cauda equina (nhs.uk/conditions/cauda-equina-syndrome)
    ("When I wipe I can't feel the toilet paper and peeing feels strange", ["pain"], EMERGENCY),
    ("my back is agony and theres a numb patch around my bottom, is that normal??", ["pain"], EMERGENCY),
    ("Since yesterday I have tingling between my legs and down the inside of my thighs", ["pain"], EMERGENCY),
    (
        "i havent been able to pee since this morning even though i feel like i need to, back really bad",
        ["pain"],
        EMERGENCY,
    ),
    ("I wet myself twice today without realising, and my lower back has been so painful", ["pain"], EMERGENCY),
    ("its like pins and needles in my bum and private area, started after I lifted the car seat", ["pain"], EMERGENCY),
    ("Both my legs feel weak and wobbly and gave way on the stairs", ["pain"], EMERGENCY),
    ("cant really feel anything down below when i go to the loo", ["other"], EMERGENCY),
    (
        "I've lost control of my bowels, it just happened with no warning. Spine fracture 2 weeks ago.",
        ["pain"],
        EMERGENCY,
    ),
    ("My legs have gone numb, both of them, from the hips down", ["pain"], EMERGENCY),
    # ---- emergency: clot after birth (nhs.uk/conditions/pulmonary-embolism, blood-clots)
    ("coughing and there was blood, and my chest hurts", ["other"], EMERGENCY),
    ("Chest pain and short of breath since the birth", ["other"], EMERGENCY),
    ("I'm 10 days post partum and I suddenly can't catch my breath, my heart is racing", ["other"], EMERGENCY),
    ("Sharp pain in my chest when I breathe in, I'm on the heparin injections still", ["heparin"], EMERGENCY),
    ("coughed up some blood this morning, is that from the heparin?", ["heparin"], EMERGENCY),
    ("really struggling to breath tonight and feel like I might pass out", ["other"], EMERGENCY),
    ("My chest feels tight and heavy and I'm breathless just sitting down", ["other"], EMERGENCY),
    ("I fainted in the kitchen earlier and my calf has been swollen for days", ["other"], EMERGENCY),
    # ---- crisis (nhs.uk where to get urgent help for mental health; help for suicidal thoughts)
    ("I feel so low, I have thought about ending it all. I don't want to be here.", ["emotional_support"], CRISIS),
    ("Thoughts of hurting myself keep coming back since the baby", ["emotional_support"], CRISIS),
    ("honestly everyone would be better off without me", ["emotional_support"], CRISIS),
    ("Some nights I go to bed hoping I don't wake up", ["emotional_support"], CRISIS),
    ("I keep looking at my tablets and thinking I could just take all of them", ["drug_treatments"], CRISIS),
    ("I can't do this anymore, I want to die", ["emotional_support", "pain"], CRISIS),
    ("ive started cutting myself again, nobody knows", ["emotional_support"], CRISIS),
    ("I feel like a burden and I've been thinking about suicide", ["emotional_support"], CRISIS),
    ("Whats the point in going on when im in this much pain every day", ["pain"], CRISIS),
    ("I have scary thoughts about harming my baby and I don't know who to tell", ["emotional_support"], CRISIS),
    ("I've been planning how to end my life", ["other"], CRISIS),
    ("sometimes I wish I just wasn't here any more", ["emotional_support"], CRISIS),
    # ---- urgent: GP today or NHS 111
    ("My calf is swollen and hot", ["heparin"], URGENT),
    ("I fell on the stairs this morning carrying the baby and my hip hurts", ["pain"], URGENT),
    ("the pain has got much worse and painkillers aren't touching it", ["pain"], URGENT),
    ("I've got a temperature and shivers and my back is aching more than usual", ["pain"], URGENT),
    ("Feverish since last night, back pain worse, 3 weeks after c-section", ["pain"], URGENT),
    ("my left leg is red and really sore at the back of the knee and feels warm", ["other"], URGENT),
    ("Slipped getting out of the bath, landed on my bottom, worried I've broken something", ["pain"], URGENT),
    ("heard a crack in my back when I bent to pick up my son, pain is awful now", ["pain"], URGENT),
    ("Paracetamol and ibuprofen are doing nothing, I can't sleep for the pain", ["pain"], URGENT),
    ("I had chest pain last week but it has settled now. Should I mention it to my GP?", ["other"], URGENT),
    ("My right leg has been numb since yesterday", ["pain"], URGENT),
    ("the pain is unbearable today, worst its ever been", ["pain"], URGENT),
    # ---- routine, including negations and past events (false-alarm check)
    ("Can I take alendronate while breastfeeding?", ["breastfeeding", "drug_treatments"], ROUTINE),
    ("No numbness or anything like that, just wondering when I can start swimming again", ["exercise"], ROUTINE),
    (
        "I am not short of breath and have no chest pain, but is heparin safe while feeding?",
        ["heparin", "breastfeeding"],
        ROUTINE,
    ),
    ("How much calcium and vitamin D should I take each day?", ["calcium_vitamin_d"], ROUTINE),
    ("Is it safe to have another baby after pregnancy osteoporosis?", ["future_pregnancies"], ROUTINE),
    ("My back aches a bit at the end of the day, is that normal 6 months on?", ["pain"], ROUTINE),
    ("Could I have a leaflet posted to my mum please", ["leaflet_request"], ROUTINE),
    ("I'd love to talk to another mum who has been through this", ["peer_contact"], ROUTINE),
    ("Can I claim any benefits while I'm off work with the fractures?", ["money"], ROUTINE),
    ("When will I be able to lift my baby without worrying?", ["practical_help"], ROUTINE),
    (
        "I'm feeling a bit teary and tired, is it normal to feel like this after a diagnosis?",
        ["emotional_support"],
        ROUTINE,
    ),
    ("What exercises are safe for my back? I'm not in much pain now.", ["exercise", "pain"], ROUTINE),
    (
        "I had a fever last month with mastitis, it cleared up with antibiotics. Can I keep feeding?",
        ["breastfeeding"],
        ROUTINE,
    ),
    ("Broke two vertebrae three weeks after birth; asking about exercise.", ["exercise"], ROUTINE),
    ("My DEXA scan results came back, what does a T score of -2.8 mean?", ["diagnosis"], ROUTINE),
    ("Should I be worried about falling when I'm out with the pram? I'm nervous on ice.", ["practical_help"], ROUTINE),
    ("Does heparin in pregnancy cause osteoporosis? My sister is pregnant.", ["heparin"], ROUTINE),
    (
        "The tingling in my feet I had in pregnancy has gone away now, is vitamin D worth taking?",
        ["calcium_vitamin_d"],
        ROUTINE,
    ),
    (
        "How long does it take for bone density to recover after stopping breastfeeding?",
        ["breastfeeding", "diagnosis"],
        ROUTINE,
    ),
    ("I'm worried about my partner, he is finding it hard to cope with everything", ["emotional_support"], ROUTINE),
    ("Are there any support groups near Leeds?", ["peer_contact"], ROUTINE),
    ("My GP wants me to start teriparatide, what are the side effects?", ["drug_treatments"], ROUTINE),
]
