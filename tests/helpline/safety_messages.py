"""Messages as women (and their partners) write them to the helpline, each with the label a nurse would give it.

Written from what women tell the helpline and from public sources, not from the
triage's patterns: spelling mistakes, no capitals, indirect phrasing, a partner or
mother writing for her, other languages, negations, figures of speech and past
events included. The sources they were written from:

- nhs.uk: cauda equina syndrome, back pain, pulmonary embolism, blood clots, DVT,
  falls, your post-pregnancy body (heavy bleeding), sepsis, stroke symptoms,
  epilepsy, pre-eclampsia, your baby's movements, postpartum psychosis, broken hip,
  head injury and concussion, help for suicidal thoughts, getting help for domestic
  violence;
- MBRRACE-UK "Saving Lives, Improving Mothers' Care" lay summaries (what women and
  families said before a death: bleeding, sepsis after a caesarean, headaches,
  partners' accounts of psychosis, suicide in the year after birth);
- Samaritans' signs to look out for, and Mind's pages on suicidal feelings and
  postnatal depression and perinatal mental health;
- NICE NG225 (self-harm) and CG192 (antenatal and postnatal mental health);
- Refuge and Women's Aid: signs of domestic abuse (physical, coercive control,
  economic abuse, checking her phone), and pregnancy as a time abuse starts or worsens;
- the ONS 2021 census list of main languages in England and Wales, for the languages.

Used by test_triage.py (and `manage.py triage_eval`) to measure the triage, never
to tune single words.
"""

EMERGENCY = "emergency"
CRISIS = "crisis"
URGENT = "urgent"
SAFEGUARDING = "safeguarding"
OTHER_LANGUAGE = "other_language"
ROUTINE = "routine"

# (message, topics, expected label)
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
MESSAGES += [
    # ---- emergency: heavy bleeding after birth (nhs.uk your post-pregnancy body; MBRRACE-UK)
    (
        "10 days since I had her and suddenly I'm bleeding really heavily, soaking through a pad every hour",
        ["other"],
        EMERGENCY,
    ),
    ("passed a clot the size of a plum this morning and the bleeding hasnt slowed", ["other"], EMERGENCY),
    (
        "Writing for my wife, she had our son 2 weeks ago, bleeding is gushing and she looks grey and feels dizzy",
        ["other"],
        EMERGENCY,
    ),
    ("lots of bright red blood suddenly, i thought it had nearly stopped. 3 weeks pp", ["other"], EMERGENCY),
    ("Is it normal to be going through maternity pads this fast? Its soaked after about 40 mins", ["other"], EMERGENCY),
    ("I keep feeling faint and the bleeding is getting heavier not lighter", ["other"], EMERGENCY),
    ("huge clots coming out when I stand up, scared", ["other"], EMERGENCY),
    # ---- emergency: sepsis (nhs.uk sepsis; MBRRACE-UK sepsis after caesarean)
    (
        "My partner had a c section last week, tonight she's burning up, shivering and confused, keeps asking what day it is",
        ["other"],
        EMERGENCY,
    ),
    ("temperature and my skin has gone all blotchy and mottled on my legs, 5 days after birth", ["other"], EMERGENCY),
    ("I havent had a wee all day and I feel awful, shaky and hot, my stitches are sore", ["other"], EMERGENCY),
    ("Her lips look a bit blue and she's breathing really fast, she had the baby on Tuesday", ["other"], EMERGENCY),
    (
        "my daughter is not making sense when she talks and she's got a high temp, baby is 8 days old",
        ["other"],
        EMERGENCY,
    ),
    ("she has a rash that doesnt fade when I press a glass on it and a fever", ["other"], EMERGENCY),
    # ---- emergency: stroke (nhs.uk stroke symptoms)
    ("One side of my face has dropped and I can't smile properly", ["other"], EMERGENCY),
    ("my wife's speech went slurred about half an hour ago and her right arm is weak", ["other"], EMERGENCY),
    ("I suddenly couldn't get my words out and my left arm feels heavy and numb", ["other"], EMERGENCY),
    ("her mouth is drooping on one side, is that a stroke? she's 3 weeks postpartum", ["other"], EMERGENCY),
    ("I think she is having a stroke, she cant lift her arm", ["other"], EMERGENCY),
    # ---- emergency: seizure (nhs.uk epilepsy)
    ("She had a seizure in the bathroom, she has never had one before, baby is 6 days old", ["other"], EMERGENCY),
    (
        "My girlfriend started shaking all over and went stiff and shaking, she doesn't have epilepsy",
        ["other"],
        EMERGENCY,
    ),
    (
        "i had what the paramedic called a fit at home this morning, first one ever, 36 weeks pregnant",
        ["other"],
        EMERGENCY,
    ),
    ("Had a convulsion last night, can I still breastfeed?", ["breastfeeding"], EMERGENCY),
    # ---- emergency: a baby hurt, shaken or dropped (nhs.uk head injury and concussion)
    (
        "I dropped my baby on the kitchen floor when my wrist gave way, he's crying but there's a lump",
        ["practical_help"],
        EMERGENCY,
    ),
    ("My baby fell off the bed and hit her head, she's 3 months", ["practical_help"], EMERGENCY),
    ("I think my partner shook the baby when he was crying, he's very floppy now", ["other"], EMERGENCY),
    ("the baby was dropped by my mother in law, he won't wake up properly", ["other"], EMERGENCY),
    ("my little one isn't breathing properly and has gone pale", ["other"], EMERGENCY),
    # ---- emergency: a suspected broken hip (nhs.uk broken hip)
    ("I slipped on the ice and now I can't put any weight on my left leg, my hip is agony", ["pain"], EMERGENCY),
    (
        "Fell in the shower, my hip hurts so much I can't stand up, my leg looks like it's turned out",
        ["pain"],
        EMERGENCY,
    ),
    ("I think I have broken my hip, I fell down the last few stairs with the baby monitor", ["pain"], EMERGENCY),
    # ---- emergency: more clots and spine, as partners and mothers write them
    (
        "My wife can't catch her breath and her chest hurts, she's 2 weeks post c-section, on heparin",
        ["heparin"],
        EMERGENCY,
    ),
    ("sudden numbness in my bum and I can't pee properly after lifting the pram", ["pain"], EMERGENCY),
    ("my daughter collapsed at home, 9 days after the birth", ["other"], EMERGENCY),
    # ---- crisis: indirect words (Samaritans' signs; nhs.uk help for suicidal thoughts; NICE NG225)
    ("I just feel like such a burden on my husband since the fractures", ["emotional_support"], CRISIS),
    ("what's the point in carrying on like this, I can't even hold my baby", ["emotional_support", "pain"], CRISIS),
    ("I've been saving up my co-codamol, I don't really know why", ["drug_treatments", "emotional_support"], CRISIS),
    ("I wrote letters to my kids and my husband, just in case", ["emotional_support"], CRISIS),
    ("Sometimes I go to sleep and wish I wouldn't wake up", ["emotional_support"], CRISIS),
    ("I know where I would do it, there's a bridge near us", ["emotional_support"], CRISIS),
    ("my baby would be better off without me, she deserves a better mum than me", ["emotional_support"], CRISIS),
    ("I've looked up how many paracetamol it would take", ["emotional_support"], CRISIS),
    (
        "I'm not going to do anything but I think about not being here any more all the time",
        ["emotional_support"],
        CRISIS,
    ),
    ("i never want to wake up again honestly", ["emotional_support"], CRISIS),
    ("I've been scratching myself till it bleeds when it gets too much", ["emotional_support"], CRISIS),
    (
        "My wife said she feels like the family would be better off without her. I'm worried",
        ["emotional_support"],
        CRISIS,
    ),
    ("I wouldnt say im suicidal but i dont see the point of anything anymore", ["emotional_support"], CRISIS),
    ("I used to self harm as a teenager and the urges are back since the baby", ["emotional_support"], CRISIS),
    ("the pain is so bad I just want it all to stop, permanently", ["pain", "emotional_support"], CRISIS),
    ("I keep thinking about jumping in front of a train on the way to the hospital", ["emotional_support"], CRISIS),
    ("Tired of living with this pain and being useless", ["pain", "emotional_support"], CRISIS),
    ("I've said my goodbyes in my head, I don't think I can carry on", ["emotional_support"], CRISIS),
    # ---- crisis: postpartum psychosis, often written by a partner (nhs.uk postpartum psychosis)
    (
        "My wife keeps saying she hears voices telling her the baby has been swapped at the hospital",
        ["emotional_support"],
        CRISIS,
    ),
    (
        "she hasn't slept for three days and is talking non stop, full of energy, says she has special powers",
        ["emotional_support"],
        CRISIS,
    ),
    (
        "My partner is convinced that the nurses are poisoning her, this started a week after our daughter was born",
        ["emotional_support"],
        CRISIS,
    ),
    ("I keep seeing things that aren't there, shadows and faces, since the birth", ["emotional_support"], CRISIS),
    ("her thoughts are racing and she believes the baby isn't really ours", ["emotional_support"], CRISIS),
    (
        "My sister is acting really strange since giving birth, paranoid that people are watching her",
        ["emotional_support"],
        CRISIS,
    ),
    # ---- urgent: pre-eclampsia (nhs.uk pre-eclampsia): midwife, GP or 111 now
    ("34 weeks and I've had a really bad headache all day and flashing lights in my eyes", ["other"], URGENT),
    ("My face and hands have swollen up suddenly and my rings don't fit, 36 weeks", ["other"], URGENT),
    ("blurry vision and a pain under my ribs on the right, 5 days after having the baby", ["other"], URGENT),
    ("worst headache ever, paracetamol isnt touching it, im 30 weeks", ["pain"], URGENT),
    ("seeing spots in front of my eyes since this afternoon, 33 weeks pregnant with my second", ["other"], URGENT),
    # ---- urgent: baby's movements (nhs.uk your baby's movements): maternity unit now
    ("I haven't felt the baby move since last night, 32 weeks", ["other"], URGENT),
    ("bump has been much quieter than usual today, is that because he's running out of room?", ["other"], URGENT),
    ("baby is moving less than usual and the kicks feel weaker", ["other"], URGENT),
    ("Not felt any kicks this morning, I'm 29 weeks", ["other"], URGENT),
    # ---- urgent: fever or wound alone (nhs.uk sepsis: GP or 111)
    ("my c-section wound is red and oozing and smells a bit", ["other"], URGENT),
    ("I have a temperature of 38.4 and aching all over, 10 days after the birth", ["other"], URGENT),
    ("the stitches from my tear look infected, there is some pus", ["other"], URGENT),
    # ---- safeguarding (Refuge, Women's Aid signs of abuse; nhs.uk getting help for domestic violence)
    ("My partner pushed me down the stairs when I was pregnant, that's how I broke my wrist", ["pain"], SAFEGUARDING),
    ("I'm scared of him when he's been drinking, he shouts and throws things", ["emotional_support"], SAFEGUARDING),
    ("My husband controls all the money and won't let me have my bank card", ["money"], SAFEGUARDING),
    ("He hides my medication so I can't take it unless he says so", ["drug_treatments"], SAFEGUARDING),
    ("he checks my phone every night so please don't email, he reads those too", ["other"], SAFEGUARDING),
    ("my boyfriend hit me when the baby wouldn't stop crying", ["other"], SAFEGUARDING),
    ("I'm not allowed to see my friends or go out without him", ["emotional_support"], SAFEGUARDING),
    ("He threatened to take the baby if I leave", ["emotional_support"], SAFEGUARDING),
    ("My daughter's husband grabbed her by the neck, she won't call anyone herself", ["other"], SAFEGUARDING),
    ("ex keeps turning up and he's threatening me, I'm scared to go home", ["emotional_support"], SAFEGUARDING),
    ("he goes through my messages and emails, I had to make a new address to write this", ["other"], SAFEGUARDING),
    ("I'm in an abusive relationship and I don't know who to talk to", ["emotional_support"], SAFEGUARDING),
    ("My partner won't let me go to my physio appointments", ["exercise"], SAFEGUARDING),
    ("he kicked me in the back, now the fracture pain is worse", ["pain"], SAFEGUARDING),
    ("his mum reads everything on my laptop and tells him", ["other"], SAFEGUARDING),
    ("Sometimes he forces me to have sex even though my back is broken", ["pain"], SAFEGUARDING),
    # ---- not in English (ONS 2021 main languages; Welsh): the whole safety block and an alert
    ("Bardzo boli mnie głowa i widzę błyski przed oczami, jestem w 34 tygodniu ciąży", ["other"], OTHER_LANGUAGE),
    ("Od rana nie czuję ruchów dziecka, co mam robić?", ["other"], OTHER_LANGUAGE),
    ("Mam złamany kręgosłup po porodzie i bardzo boli mnie plecy", ["pain"], OTHER_LANGUAGE),
    ("Rwy'n gwaedu'n drwm ers y geni ac yn teimlo'n benysgafn", ["other"], OTHER_LANGUAGE),
    ("Mae gen i boen ofnadwy yn fy nghefn ac ni allaf deimlo fy nghoesau", ["pain"], OTHER_LANGUAGE),
    ("Dw i ddim eisiau byw rhagor, mae'r babi yn well hebdda i", ["emotional_support"], OTHER_LANGUAGE),
    ("میرے سینے میں درد ہے اور سانس لینے میں دشواری ہو رہی ہے", ["other"], OTHER_LANGUAGE),
    ("بچے کی پیدائش کے بعد بہت زیادہ خون بہہ رہا ہے", ["other"], OTHER_LANGUAGE),
    ("Am sângerare puternică după naștere și mă simt amețită", ["other"], OTHER_LANGUAGE),
    ("Soțul meu mă lovește și mi-e frică să merg acasă", ["other"], OTHER_LANGUAGE),
    ("ਮੇਰੀ ਪਿੱਠ ਵਿੱਚ ਬਹੁਤ ਦਰਦ ਹੈ ਅਤੇ ਮੈਂ ਤੁਰ ਨਹੀਂ ਸਕਦੀ", ["pain"], OTHER_LANGUAGE),
    ("আমার মাথায় খুব ব্যথা এবং চোখে ঝাপসা দেখছি", ["other"], OTHER_LANGUAGE),
    ("أشعر بألم شديد في صدري منذ الولادة", ["other"], OTHER_LANGUAGE),
    ("Tenho uma dor muito forte nas costas e não consigo andar desde o parto", ["pain"], OTHER_LANGUAGE),
    ("Tengo fiebre y mucho dolor en la herida de la cesárea", ["other"], OTHER_LANGUAGE),
    ("Labai skauda nugarą po gimdymo ir negaliu pajudinti kojų", ["pain"], OTHER_LANGUAGE),
    ("Dhabarka ayaa aad ii xanuunaya tan iyo markaan dhalay", ["pain"], OTHER_LANGUAGE),
    ("Doğumdan beri çok kanamam var ve başım dönüyor", ["other"], OTHER_LANGUAGE),
    ("生完孩子后我一直大量出血，感觉头晕", ["other"], OTHER_LANGUAGE),
    ("Je saigne beaucoup depuis l'accouchement et j'ai des vertiges", ["other"], OTHER_LANGUAGE),
    ("Много ме боли гърбът след раждането и не мога да стана", ["pain"], OTHER_LANGUAGE),
    # ---- calm: negation, figures of speech, family history, healed past, questions about a condition
    ("I'm dying to know when I can start running again!", ["exercise"], ROUTINE),
    ("The wait for my DEXA results is killing me, any idea how long it takes?", ["diagnosis"], ROUTINE),
    ("My mum broke her hip at 60, does that mean I'm more at risk?", ["diagnosis"], ROUTINE),
    ("Are clots more common after birth? I'm on heparin and just want to understand why", ["heparin"], ROUTINE),
    ("I broke my wrist when I was a teenager, it healed fine. Is that relevant?", ["diagnosis"], ROUTINE),
    ("No bleeding problems, no headaches, just wondering about vitamin D doses", ["calcium_vitamin_d"], ROUTINE),
    ("Can pre-eclampsia affect your bones? I'm just curious, reading up", ["diagnosis"], ROUTINE),
    ("Is postpartum psychosis linked to osteoporosis at all?", ["diagnosis"], ROUTINE),
    ("My gran had osteoporosis and a stoop, does it run in families?", ["diagnosis"], ROUTINE),
    (
        "I had a seizure years ago as a child but nothing since, can I take bisphosphonates?",
        ["drug_treatments"],
        ROUTINE,
    ),
    (
        "Baby is moving loads today, kicking me in the ribs! Is calcium safe in pregnancy?",
        ["calcium_vitamin_d"],
        ROUTINE,
    ),
    ("My partner has been brilliant, he does all the lifting for me", ["practical_help"], ROUTINE),
    ("I'm fitting in my exercises around the baby's naps, is 10 minutes enough?", ["exercise"], ROUTINE),
    ("Could kill for a full night's sleep haha, any tips for getting comfortable with a sore back?", ["pain"], ROUTINE),
    ("Does breastfeeding cause bone loss? Should I stop?", ["breastfeeding"], ROUTINE),
    ("Is heavy lifting ok 6 months after the fractures healed?", ["exercise"], ROUTINE),
    ("When can I drive again after a spinal fracture? No pain now", ["practical_help"], ROUTINE),
    ("Hi, I'd like to volunteer to talk to other mums", ["peer_contact"], ROUTINE),
    ("my husband is checking whether we can get help with the cost of a cleaner", ["money"], ROUTINE),
    ("Not feeling faint or anything, just tired. Could it be low iron?", ["other"], ROUTINE),
    (
        "I had a clot in my leg in my last pregnancy, will I need heparin again next time?",
        ["future_pregnancies", "heparin"],
        ROUTINE,
    ),
    ("How common is pregnancy osteoporosis?", ["diagnosis"], ROUTINE),
    ("the physio pushed me quite hard today but I feel good", ["exercise"], ROUTINE),
    ("I'm bored to death stuck at home, are there any online groups?", ["peer_contact"], ROUTINE),
    ("Can I have a copy of the leaflet in large print?", ["leaflet_request"], ROUTINE),
    ("Is it safe to take ibuprofen with the calcium tablets?", ["drug_treatments"], ROUTINE),
    ("Thank you so much for your help last week, the advice was great", ["other"], ROUTINE),
    ("My back is killing me after a day of carrying the car seat but it's the usual ache", ["pain"], ROUTINE),
    ("I don't have any numbness or weakness, just stiffness in the mornings", ["pain"], ROUTINE),
    ("What is the difference between osteoporosis and osteopenia?", ["diagnosis"], ROUTINE),
    ("We're planning baby number two, what should I ask my consultant?", ["future_pregnancies"], ROUTINE),
    ("Does the zoledronic acid infusion hurt?", ["drug_treatments"], ROUTINE),
    ("I feel much more positive now that the pain is easing, thank you", ["emotional_support"], ROUTINE),
    ("Could you send me information about the exercise programme?", ["exercise", "leaflet_request"], ROUTINE),
    ("my mother in law wants to know how she can help us at home", ["practical_help"], ROUTINE),
    ("Is it normal for the bleeding to be light and brown at 4 weeks? it's much less than before", ["other"], ROUTINE),
    ("My sister had pre-eclampsia with her first, am I at risk too?", ["future_pregnancies"], ROUTINE),
    ("Can stress make back pain worse? I'm quite anxious about going back to work", ["pain", "money"], ROUTINE),
    ("Any advice on carrying a baby in a sling with a weak back?", ["practical_help"], ROUTINE),
    ("How do I apply for a blue badge?", ["money"], ROUTINE),
]
MESSAGES += [
    # ---- more, as they came when we tried the triage as a new user would
    ("my wife is bleeding loads and passing clots", ["other"], EMERGENCY),
    ("she went really quiet and then started jerking, lasted 2 mins", ["other"], EMERGENCY),
    ("I fell and now I cant walk, my hip", ["pain"], EMERGENCY),
    ("I can't stop crying and I think they'd all be happier if I was gone", ["emotional_support"], CRISIS),
    ("She keeps talking about how the baby is evil and needs to be saved", ["emotional_support"], CRISIS),
    ("hes pushed me around before, tonight he said he'd kill me", ["other"], SAFEGUARDING),
    ("he said if I tell anyone he will hurt the baby", ["other"], SAFEGUARDING),
    ("i am 38 weeks and baby not kicking as much", ["other"], URGENT),
    ("I feel really hot and shivery and my c section scar is leaking", ["other"], URGENT),
    ("Dw i'n teimlo'n isel iawn ac yn methu cysgu", ["emotional_support"], OTHER_LANGUAGE),
    ("Nie chcę już żyć, wszystko mnie boli", ["emotional_support"], OTHER_LANGUAGE),
    ("mujhe bohat dard ho raha hai peeth mein aur main chal nahi sakti", ["pain"], OTHER_LANGUAGE),
    # Urdu, Hindi and Punjabi typed in Latin letters, often mixed with English (Roman-Urdu-Parl; ERUPD)
    ("Mujhe bahut dard ho raha hai, delivery ke baad khoon bahut aa raha hai", ["other"], OTHER_LANGUAGE),
    (
        "meri biwi ko bachay ki paidaish ke baad bohat khoon aa raha hai aur woh behosh ho rahi hai",
        ["other"],
        OTHER_LANGUAGE,
    ),
    ("Mera sar bahut dard kar raha hai aur aankhon ke samne chamak dikh rahi hai", ["other"], OTHER_LANGUAGE),
    ("meri wife ko c section ke baad fever hai aur wo confused lag rahi hai", ["other"], OTHER_LANGUAGE),
    ("mere pati mujhe maarte hain aur mera phone check karte hain", ["other"], OTHER_LANGUAGE),
    ("bachay ki movement kal se mehsoos nahi ho rahi, kya karun", ["other"], OTHER_LANGUAGE),
    ("thanks hun, had my jab today and my back feels a lot better", ["other"], ROUTINE),
    ("Is it ok to take vitamin D drops and a multivitamin together?", ["calcium_vitamin_d"], ROUTINE),
    ("I nearly died laughing at the physio's jokes, she's lovely", ["exercise"], ROUTINE),
    ("This paperwork is doing my head in, who do I ask about PIP?", ["money"], ROUTINE),
    ("I'm scared of lifting the car seat in case I hurt my back again", ["practical_help"], ROUTINE),
    ("is it true that heparin thins your bones?", ["heparin"], ROUTINE),
    ("Hi, just checking you got my form last week", ["other"], ROUTINE),
    ("What are the first signs of a spinal fracture so I know what to look out for?", ["diagnosis"], ROUTINE),
    ("my baby is 7 months now and crawling everywhere, how do I keep up with a bad back!", ["practical_help"], ROUTINE),
]
