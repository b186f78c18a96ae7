"""Generic words the detector reasons with: proper nouns that identify nobody, and the
generic words institutions are named with.

These are lists of ordinary vocabulary, not of names: a country, a language or a month
says nothing about who someone is (docs/pseudonymisation-gold.md leaves them unmarked),
and "Community Centre" on its own names no particular centre.
"""

from __future__ import annotations

_COUNTRIES = (
    "Afghanistan Albania Algeria Angola Argentina Armenia Australia Austria Azerbaijan Bahrain Bangladesh "
    "Barbados Belarus Belgium Belize Benin Bhutan Bolivia Bosnia Botswana Brazil Bulgaria Burundi Cambodia "
    "Cameroon Canada Chile China Colombia Congo Croatia Cuba Cyprus Czechia Denmark Djibouti Dominica "
    "Ecuador Egypt Eritrea Estonia Eswatini Ethiopia Fiji Finland France Gabon Gambia Germany Ghana "
    "Greece Grenada Guatemala Guinea Guyana Haiti Honduras Hungary Iceland Indonesia Iran Iraq Ireland "
    "Italy Jamaica Japan Kazakhstan Kosovo Kuwait Kyrgyzstan Laos Latvia Lebanon Lesotho "
    "Liberia Libya Lithuania Luxembourg Madagascar Malawi Malaysia Maldives Mali Malta Mauritania Mauritius "
    "Mexico Moldova Mongolia Montenegro Morocco Mozambique Myanmar Burma Namibia Nepal Netherlands Holland "
    "Nicaragua Niger Nigeria Norway Oman Pakistan Palestine Panama Paraguay Peru Philippines Poland Portugal "
    "Qatar Romania Russia Rwanda Samoa Senegal Serbia Seychelles Singapore Slovakia Slovenia Somalia "
    "Somaliland Spain Sudan Suriname Sweden Switzerland Syria Taiwan Tajikistan Tanzania Thailand Togo Tonga "
    "Trinidad Tobago Tunisia Turkey Turkmenistan Uganda Ukraine Uruguay Uzbekistan Venezuela Vietnam Yemen "
    "Zambia Zimbabwe America USA Europe Africa Caribbean Kurdistan Kashmir Punjab Bengal "
    "Tibet Britain England Scotland Wales UK EU"
)
_PEOPLES = (
    "English Welsh Scottish Scots Irish British Brits Polish Pole Poles Romanian Romanians Roma Romany Slovak "
    "Slovakian Czech Lithuanian Latvian Estonian Bulgarian Hungarian Russian Ukrainian Albanian Kosovan "
    "Turkish Kurdish Kurd Kurds Iranian Iraqi Syrian Afghan Afghani Pakistani Pakistanis Indian Indians "
    "Bangladeshi Bangladeshis Bengali Sri Lankan Tamil Nepali Chinese Vietnamese Filipino Japanese Korean "
    "Thai Malaysian African Africans Nigerian Nigerians Ghanaian Somali Somalis Sudanese Eritrean Ethiopian "
    "Congolese Zimbabwean Kenyan Ugandan Jamaican Caribbean Asian Asians European Europeans American "
    "Americans Canadian Australian French German Germans Italian Spanish Portuguese Dutch Greek Arab Arabs "
    "Arabic Urdu Punjabi Mirpuri Pahari Hindi Gujarati Pashto Dari Farsi Persian Tigrinya Amharic Swahili "
    "Yoruba Igbo Twi Ndebele Chichewa Akan Hausa Lingala Mandarin Cantonese Tagalog Sign BSL Makaton "
    "Gaelic Cornish Geordie Scouse Madeiran Madeirans Ecuadorian Ecuadorians Kichwa Quechua Kreol Creole "
    "Konkani Chagossian Chagossians Goan Goans "
    "Scouser Brummie Mancunian Muslim Muslims Islam Islamic Christian Christians "
    "Christianity Catholic Catholics Protestant Anglican Methodist Baptist Pentecostal Evangelical Orthodox "
    "Hindu Hindus Sikh Sikhs Jewish Jew Jews Buddhist Rastafarian Traveller Travellers Gypsy Gypsies "
    "Western Kashmiri Kashmiris Yemeni Yemenis Fijian Fijians Sudanese Libyan Moroccan Algerian Egyptian "
    "Palestinian Jordanian Lebanese Saudi Omani Sri Lankans Tamils Gujaratis Punjabis Sylheti Bengalis Roma "
    "Moldovan Belarusian Serbian Croatian Bosnian Slovenian Macedonian Georgian Armenian Azerbaijani Uzbek "
    "Cameroonian Senegalese Gambian Malawian Zambian Rwandan Burundian Angolan Mozambican Tanzanian "
    "Filipina Filipinos Brazilian Colombian Venezuelan Peruvian Chilean Argentinian Mexican Cuban Trinidadian "
    "Barbadian Bajan Guyanese Grenadian Vincentian Montserratian Irish-Traveller Hebridean Orcadian Shetlander "
    "Kurmanji Sorani Badini Bengali Sylheti Lingala Tigrinya Oromo Wolof Patois Romani Shelta Cant Brethren "
    "Gurkha Gurkhas Alevi Cypriot Cypriots Doric Yiddish Hebrew Ladino Aramaic Haredi Charedi Hasidic Chasidic "
    "Hassidic"
)
_CALENDAR = (
    "January February March April May June July August September October November December Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday Mondays "
    "Tuesdays Wednesdays Thursdays Fridays Saturdays Sundays Christmas Xmas Easter Eid Ramadan Diwali "
    "Hanukkah Halloween Bonfire Valentine Valentine's Valentines Mother's Father's Boxing Lent Advent Whitsun"
)
_MEDICINES = (  # no names, wherever they stand: "Paracetamol, on the 13th"
    "Paracetamol Ibuprofen Nurofen Aspirin Codeine Co-codamol Dihydrocodeine Tramadol Morphine Oxycodone "
    "Fentanyl Methadone Subutex Buprenorphine Naloxone Diazepam Valium Temazepam Lorazepam Zopiclone "
    "Pregabalin Gabapentin Sertraline Fluoxetine Prozac Citalopram Escitalopram Mirtazapine Amitriptyline "
    "Venlafaxine Olanzapine Quetiapine Risperidone Aripiprazole Clozapine Melatonin Ritalin "
    "Methylphenidate Concerta Equasym Elvanse Lisdexamfetamine Atomoxetine Strattera Salbutamol Ventolin "
    "Amoxicillin Penicillin Metformin Levothyroxine EpiPen Piriton Cetirizine Loratadine Gaviscon Senna "
    "Movicol Lactulose Microgynon Cerazette Nexplanon Depo-Provera Ketamine Mephedrone Mcat Mamba Xanax "
    "Cannabis Heroin Cocaine MDMA Amphetamine"
)
_OTHER = (
    "I I'm I'd I've I'll OK Okay God Jesus Christ Allah Lord Bible Quran Qur'an Koran Mum Mam Mom Dad Nan Gran "
    "Grandma Grandad Mr Mrs Ms Miss Dr Sir Madam Year Reception Nursery Key Stage Section Level Tier "
    "GCSE GCSEs SATs Ofsted Facebook WhatsApp Instagram Snapchat TikTok YouTube Google Twitter Xbox "
    "PlayStation iPad iPhone Netflix Zoom Teams Skype Lego Calpol Covid COVID Brexit Internet Bless "
    "PowerPoint Excel Outlook Audi Oxbridge "
    # national charities and services, named the same everywhere
    "Shelter Relate Samaritans Childline Kidscape Mencap StepChange Turn2us Gingerbread "
    # the armed forces, and kin words in the languages families speak ("Dadi hits Ammi")
    "Mass Army Navy RAF Marines Dadi Nani Dada Nana Ammi Ammu Abbu Abba Abu Ami Baba Babcia Dziadek Oma Opa Nonna "
    "Nonno Yiayia Bubbe Zaide Mamó Daideo Nain Taid Mammy Mammie Mummy Daddy Da Ba Bapuji Dadaji Mama Papa Tata "
    # religious titles said alone, naming a role: "if the Rav is there"
    "Rav Rebbe Rebbetzin "
    # a kind of region: "I'm from a Gaeltacht family"
    "Gaeltacht"
)
#: Greetings, said before a name and never part of it ("Hello Hamid, thanks for coming").
GREETINGS: frozenset[str] = frozenset("hello hi hiya hey morning thanks cheers bye goodbye".split())
#: Numbers said as words, by the place they take in a spoken number ("twenty-one"), from
#: which the pseudonymiser's number patterns are built.
ONES: tuple[str, ...] = tuple("one two three four five six seven eight nine".split())
TEENS: tuple[str, ...] = tuple("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())
TENS: tuple[str, ...] = tuple("twenty thirty forty fifty sixty seventy eighty ninety".split())
#: Numbers said as words: alone they name no one ("Fourteen, living with her nan"), though
#: names hold them ("the Five Bells", "Six Town Housing").
NUMBER_WORDS: frozenset[str] = frozenset((*ONES, *TEENS, *TENS, "hundred"))
#: Countries: they name no one, but a girl may be called Mali, Jordan or India.
COUNTRIES: frozenset[str] = frozenset(_COUNTRIES.split())
#: Months, weekdays and holidays.
CALENDAR: frozenset[str] = frozenset(_CALENDAR.split())
#: Peoples, languages and religions: they name no one, but "the Roma Support Hub" or "the
#: Polish Centre" is a particular place.
PEOPLES: frozenset[str] = frozenset(_PEOPLES.split())
#: Proper nouns that identify nobody: countries and regions, peoples, languages and
#: religions, months, weekdays and holidays, and a few more.
NOT_IDENTIFYING: frozenset[str] = frozenset(
    " ".join((_COUNTRIES, _PEOPLES, _CALENDAR, _OTHER, _MEDICINES)).split())

#: Words that institutions, services and roles are named with. A name made only of these
#: (and allow-listed terms) is generic: "the Community Centre", "Early Help Hub".
GENERIC: frozenset[str] = frozenset((
    "The the of and & Community Family Families Youth Social Sports Leisure Town City Village Parish County "
    "Civic Borough District Regional Church Scout Scouts Guide Guides Day Children's Children Child Kids Health "
    "Medical Mental Local Main General Public Primary Secondary High Junior Juniors Infant Infants Nursery "
    "School Schools Academy College Sixth Form University Centre Center Centres Hall Club Team Teams Service "
    "Services Unit Hub Practice Surgery Clinic Hospital Infirmary Ward Housing Association Trust Project "
    "Network Group Support Early Help Advice Resource Resources Drop-in Food Bank Job Jobcentre Football "
    "Boxing Rugby Cricket Women's Men's Young Carers Carer Adult Adults Learning Disability Disabilities "
    "Special Needs Care Home Homes Crisis Assessment Safeguarding Police Fire Ambulance Probation Court "
    "Courts Prison Office Department Authority Council Board Panel Partnership Foundation Charity Society "
    "Library Play Playgroup Toddler Toddlers Baby Babies Parent Parents Parenting Mums Dads Women Men Girls "
    "Boys Team's Manager Managers Worker Workers Officer Officers Lead Leads Head Deputy Senior Principal "
    "Assistant Acting Director Coordinator Co-ordinator Practitioner Practitioners Nurse Nurses Visitor "
    "Visitors Doctor Doctors Plan Plans Meeting Meetings Conference Review Reviews Act Order Orders Front "
    "Door Duty Intake Triage Contact Referral Referrals Assessment Emergency Out Hours Hours' Living Homeless "
    "Homelessness Benefits Benefit Credit Universal Tax Credits National Insurance Free Meals Breakfast "
    "After Gateway Pathway Pathways Programme Program Scheme Initiative "
    "Pilot Evaluation Protocol Policy Procedures Strategy Strategic Operational Quality Improvement "
    "Performance Data Team Around Lead Professional Common Single Multi Agency Multi-Agency Inter-Agency "
    "Partnership Partnerships Domestic Abuse Violence Drug Drugs Alcohol Substance Misuse Recovery Treatment "
    "Sexual Exploitation Missing Gang Gangs Criminal Justice Offending Offender Offenders Victim Victims "
    "Witness Rights Equality Diversity Inclusion SEN SEND EHCP Education Educational Psychology Psychologist "
    "Speech Language Therapy Therapist Occupational Physiotherapy Paediatric Paediatrics Paediatrician "
    "Maternity Midwife Midwives Neonatal Intensive Special Baby Unit Acute Trust's Foundation NHS A&E "
    "Emergency Department Walk-in Urgent Primary Secondary Tertiary Clinical Commissioning CCG ICB Virtual "
    "Perinatal Postnatal Antenatal Prenatal Psychiatric Forensic Outreach Liaison Specialist Integrated "
    "Targeted Universal Statutory Voluntary Independent Intensive Edge Kingdom Legal Finance Admin "
    "Administration Business Communications Comms Operations Workforce Governance Information Contracts "
    "Procurement Commissioners Senior Leadership Management Board"
).split())

#: Generic words that services also take as names: generic alone or in "the Gateway team",
#: a body's name beside another word ("Gateway Homes", "Community Gateway", "Pathways Recovery").
NAMING_GENERIC: frozenset[str] = frozenset({"Gateway", "Pathways"})

#: Generic words a capitalised run ends with when it names an institution, not a place.
INSTITUTION_TAIL_WORDS: frozenset[str] = frozenset((
    "School Academy College Nursery Primary High Juniors Infants Surgery Practice Clinic Hospital Infirmary "
    "Centre Center Church Chapel Mosque Masjid Temple Gurdwara Synagogue Club Trust Project Housing Homes "
    "Association Society Foundation Charity Hub Forum Network Group Arms Inn Tavern Hotel Hall Library Prison"
).split())
#: Words that end an institution's name, services and teams too ("... Recovery Service").
INSTITUTION_WORDS: frozenset[str] = INSTITUTION_TAIL_WORDS | {"Service", "Services", "Team", "Unit", "Partnership",
                                                              "Agency"}

#: Words of talk no English lexicon lists: dialect, greetings in the languages of the UK,
#: hesitations. Capitalised at the start of a turn they are not names ("Croeso.", "Och, aye").
TALK: frozenset[str] = frozenset((
    "twice thrice maybe whilst amongst instead nowt owt summat mither mithering mithered ey oi ay "
    "aye och wee nae ken dinnae cannae doesnae didnae wouldnae couldnae shouldnae isnae wasnae divn "
    "divvent canny gan hinny pet bab ar ta-ra ta-ta cheerio hiya blimey crikey gosh golly "
    "jeez yeah yep nope nah erm er um uh hmm mm mhm oh ah ooh aah eh ehh ehm umm uhh err croeso iawn hwyl shwmae bore da nos "
    "mun tidy cwtch lush bach fach duw mam gwan sound boss sorted proper mint dead our kid innit bruv "
    "fam wagwan blud shall ought whichever whomever albeit unto amid amidst betwixt versus coz cos til "
    "yup righto hey aha ouch oops phew ugh shh yikes dammit heck basically seldom ish "
    # thanks and greetings in the languages families speak: "Diolch", "Vinaka", "Shukran"
    "diolch vinaka shukran dziękuję dziekuje mulţumesc multumesc merci gracias obrigado grazie danke "
    "asante teşekkürler tesekkurler spasibo dhanyavaad shukriya mahadsanid salaam salam inshallah mashallah "
    "knackering knackered gutted chuffed mardy skint shattered "
    # Scots and Doric, Gaelic and Welsh said in passing: "Ye got up the road?", "Mòran taing"
    "ye yer yersel yersels youse yous gey fit dae tae wi ye'll ye've tha mi cha chreid mòran moran taing "
    "somebody someone anybody anyone everybody everyone nobody ach glè gle mhath ciamar slàinte slainte toilichte bore chwarae teg tapadh leat leibh izzat"
).split())

#: Acronyms of trades, roles, services, plans, laws and things that name no particular
#: organisation ("the CPN", "her EHCP", "a DBS check"). An acronym not among them, where an
#: organisation would stand ("the IDAS group", "from YSS"), is taken for one.
GENERIC_ACRONYMS: frozenset[str] = frozenset((
    "IRD DASH RIC MARAC PSNI "  # Scotland's inter-agency referral discussion; the domestic abuse risk checklist
    "A&E AA ABE ADHD EPDS ADD AIDS AP APP ASB ASBO ASD ASC ASYE ATM AYSE BAME BASW BBC BME BSL CAF CAFCASS CAMHS "
    "CAO CBT CCE CCG CCIN CCTV CD CDT CEO CEOP CFO CGL CHC CHIN CIN CID CIO CIP CMHT CNS COVID CP CPA "
    "CPN CPR CPS CQC CRB CRC CSC CSE CSW CT CV CYP DBS DCS DfE DFE DHSS DLA DNA DNR DOB DOLS DSL DSM DV DVD "
    "DWP EAL EBD ECM ED EET EHA EHC EHCP EHE EIP EPO ESA ESOL ESL EU EWO FAQ FBI FE FGC FGM FSM FSW GCSE "
    "GDPR GP GPS HCPC HMO HMRC HR HSV HV IAPT ICO ICPC ICU ID IDVA ISVA IQ IRO IT ITV IVF JSA KS KS1 KS2 "
    "KS3 KS4 LA LAC LADO LD LGBT LGBTQ LSCB LSCP MAPPA MARAC MASH MHA MP MRI MS MSP NEET NFA NGO NHS NI "
    "NICU NMC NQ NQSW NQT NRM NSPCC NVQ OCD OFSTED OK OT PA PAT PC PCSO PDF PE PEP PHSE PICU PIP PLO PND "
    "PPE PR PRU PSHE PSW PTSD PhD QC RCPC RE SALT SATS SCBU SCR SDQ SEN SENCO SEND SEMH SGO SLT SMS SOS SPOC "
    "SRE STI SW TA TAC TAF TBC TM TV UASC UC UK UN USA VAT VIP WHO YJB YOS YOT YOI "
    # therapies, orders, services, wards, conditions and qualifications named the same everywhere
    "DBT GAA DLR CSCS YRO DVLA ACE ACES MCA AMHP MARF SARC HBV SENDCO ELSA CAB RSPCA RNLI BTEC HND CBO DVPO "
    "DVPN NMO FLO IOM YJS HMPPS NPS ONS CTC WTC HB CTR PHE UKHSA SIDS SUDI NAI HDU ENT GUM AAU CDU MAU EPU "
    "PPD TB HIV GSCC ASW DHP SIM B&B"
).split())

#: Last words of the names of methods, programmes, plans and legal orders: "Freedom
#: Programme", "Graded Care Profile", "Supervision Order" name no one. A name made of
#: English words ending in one of these is generic.
METHOD_TAIL: frozenset[str] = frozenset((
    "Programme Programmes Program Approach Profile Toolkit Tool Model Framework Assessment Assessments Plan "
    "Plans Order Orders Conference Conferences Panel Act Review Reviews Meeting Meetings Protocol Pathway "
    "Course Courses Scheme Initiative Strategy Policy Procedure Procedures Guidance Standards Award "
    "Certificate Qualification Degree Diploma Test Check Scale Questionnaire Screening Training Session "
    "Sessions Outline Statement Agreement Report Hearing Proceedings Visit Visits Allowance Payment Grant "
    "Manual Handbook Guide Toolkit Form Forms Template Templates Checklist Tracker Register Database System"
).split())
