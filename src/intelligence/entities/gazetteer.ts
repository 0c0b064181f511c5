/**
 * Small name lists for the entity types wink's rule-based model does not find. They matter most
 * for engines without casing, where "paris" and "john smith" carry no capital to say they are
 * names. Lists, not models: precise on what they hold, silent on everything else.
 */
const list = (text: string) => text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);

export const LOCATIONS = list(`
afghanistan, albania, algeria, argentina, australia, austria, bangladesh, belgium, bolivia, brazil, bulgaria, canada, chile, china,
colombia, croatia, cuba, czech republic, denmark, egypt, england, estonia, ethiopia, finland, france, germany, ghana, greece,
hungary, iceland, india, indonesia, iran, iraq, ireland, israel, italy, jamaica, japan, jordan, kenya, korea, latvia, lebanon,
lithuania, luxembourg, malaysia, mexico, morocco, nepal, netherlands, new zealand, nigeria, north korea, norway, pakistan, peru,
philippines, poland, portugal, romania, russia, saudi arabia, scotland, serbia, singapore, slovakia, slovenia, somalia, south africa,
south korea, spain, sri lanka, sudan, sweden, switzerland, syria, taiwan, tanzania, thailand, turkey, uganda, ukraine,
united kingdom, united states, america, uruguay, venezuela, vietnam, wales, yemen, zimbabwe,
africa, asia, europe, antarctica, north america, south america, oceania, the arctic, the pacific, the atlantic, mediterranean,
alabama, alaska, arizona, arkansas, california, colorado, connecticut, delaware, florida, georgia, hawaii, idaho, illinois,
indiana, iowa, kansas, kentucky, louisiana, maine, maryland, massachusetts, michigan, minnesota, mississippi, missouri, montana,
nebraska, nevada, new hampshire, new jersey, new mexico, new york, north carolina, north dakota, ohio, oklahoma, oregon,
pennsylvania, rhode island, south carolina, south dakota, tennessee, texas, utah, vermont, virginia, washington, west virginia,
wisconsin, wyoming, london, paris, berlin, madrid, rome, lisbon, dublin, amsterdam, brussels, vienna, prague, warsaw, budapest,
athens, stockholm, oslo, copenhagen, helsinki, moscow, istanbul, cairo, lagos, nairobi, johannesburg, cape town, dubai, mumbai,
delhi, new delhi, bangalore, beijing, shanghai, hong kong, tokyo, osaka, seoul, bangkok, jakarta, manila, sydney, melbourne,
auckland, toronto, montreal, vancouver, chicago, los angeles, san francisco, seattle, boston, miami, houston, dallas, atlanta,
denver, philadelphia, detroit, mexico city, sao paulo, rio de janeiro, buenos aires, lima, bogota, santiago, manchester,
liverpool, birmingham, edinburgh, glasgow, cardiff, belfast, bristol, leeds, munich, hamburg, barcelona, milan, naples, venice,
florence, zurich, geneva, reykjavik, hawaii, silicon valley, wall street, the himalayas, the alps, the amazon, the sahara,
mount everest, mount saint helens, vesuvius, etna`);

export const NATIONALITIES = list(`
american, british, english, scottish, welsh, irish, french, german, italian, spanish, portuguese, dutch, belgian, swiss,
austrian, swedish, norwegian, danish, finnish, icelandic, polish, czech, hungarian, greek, turkish, russian, ukrainian,
chinese, japanese, korean, indian, pakistani, bangladeshi, vietnamese, thai, indonesian, filipino, australian, canadian,
mexican, brazilian, argentinian, chilean, colombian, peruvian, cuban, egyptian, nigerian, kenyan, ethiopian, south african,
israeli, iranian, iraqi, saudi, syrian, lebanese, moroccan, new zealander`);

export const LANGUAGES = list(`
english, french, german, spanish, italian, portuguese, dutch, russian, mandarin, cantonese, chinese, japanese, korean, arabic,
hindi, urdu, bengali, turkish, polish, greek, swedish, norwegian, danish, finnish, hebrew, swahili, latin, welsh, gaelic,
esperanto, sign language`);

export const ORGANIZATIONS = list(`
google, alphabet, microsoft, apple, amazon, meta, facebook, instagram, whatsapp, twitter, netflix, spotify, tesla, spacex,
ibm, intel, nvidia, amd, oracle, samsung, sony, toyota, volkswagen, bmw, ford, general motors, boeing, airbus, nasa, esa,
the united nations, united nations, the un, nato, the european union, european union, the eu, who, the world health organization,
unicef, red cross, the bbc, bbc, cnn, the new york times, reuters, openai, anthropic, wikipedia, mozilla, linux foundation,
harvard, stanford, mit, oxford university, cambridge university, johns hopkins university, the fbi, fbi, the cia, cia,
the nhs, nhs, the imf, world bank, the federal reserve, walmart, mcdonalds, starbucks, coca cola, pepsi, nike, adidas, ikea,
shell, bp, exxon, visa, mastercard, paypal, goldman sachs, jp morgan, uber, airbnb, github, wireshark`);

/** Words that end an organisation's name when it is capitalised ("Acme Corp", "Leeds United"). */
export const ORGANIZATION_SUFFIXES = list(`
inc, inc., corp, corp., corporation, company, co, co., ltd, ltd., llc, plc, gmbh, group, university, college, institute,
foundation, association, agency, council, society, bank, airlines, fc, united, labs, laboratories, partners, holdings,
ministry, department, school, hospital, museum, party, union, committee, commission`);

export const FIRST_NAMES = list(`
james, john, robert, michael, william, david, richard, joseph, thomas, charles, christopher, daniel, matthew, anthony, mark,
donald, steven, paul, andrew, joshua, kenneth, kevin, brian, george, timothy, ronald, edward, jason, jeffrey, ryan, jacob,
gary, nicholas, eric, jonathan, stephen, larry, justin, scott, brandon, benjamin, samuel, gregory, alexander, frank, patrick,
raymond, jack, dennis, jerry, tyler, aaron, jose, adam, nathan, henry, peter, zachary, douglas, harold, kyle, noah, carl,
arthur, lawrence, dylan, jesse, jordan, bryan, billy, bruce, gabriel, logan, alan, juan, wayne, roy, ralph, randy, eugene,
vincent, russell, louis, philip, bobby, johnny, bradley, oliver, harry, charlie, mohammed, muhammad, ahmed, ali, omar, raj,
mary, patricia, jennifer, linda, elizabeth, barbara, susan, jessica, sarah, karen, lisa, nancy, betty, sandra, margaret,
ashley, kimberly, emily, donna, michelle, carol, amanda, melissa, deborah, stephanie, dorothy, rebecca, sharon, laura,
cynthia, amy, kathleen, angela, shirley, brenda, emma, anna, pamela, nicole, samantha, katherine, christine, helen, debra,
rachel, carolyn, janet, maria, catherine, heather, diane, olivia, julie, joyce, victoria, ruth, virginia, lauren, kelly,
christina, joan, evelyn, judith, andrea, hannah, megan, cheryl, jacqueline, martha, madison, teresa, gloria, sara, janice,
ann, kathryn, abigail, sophia, frances, jean, alice, judy, isabella, julia, grace, amber, denise, danielle, marilyn,
beverly, charlotte, natalie, theresa, diana, brittany, doris, kayla, alexis, lori, marie, jane, sophie, chloe, lucy, priya,
fatima, aisha, mei, yuki, hiroshi, kenji, wei, carlos, luis, miguel, pedro, pablo, sofia, lucia, elena, ivan, olga, anya`);

export const OCCUPATIONS = list(`
doctor, nurse, surgeon, dentist, teacher, professor, lecturer, engineer, software engineer, developer, programmer, lawyer,
attorney, judge, accountant, architect, pilot, chef, baker, farmer, plumber, electrician, carpenter, mechanic, journalist,
reporter, editor, writer, author, photographer, designer, scientist, researcher, astronomer, geologist, biologist, chemist,
physicist, economist, pharmacist, veterinarian, vet, police officer, firefighter, soldier, paramedic, therapist,
psychologist, psychiatrist, manager, ceo, founder, consultant, analyst, banker, salesperson, cashier, waiter, waitress,
driver, beekeeper, instructor, coach, referee, goalkeeper, skipper, librarian, translator, receptionist, cleaner, student`);

export const RELIGIONS = list(`christianity, christian, catholic, protestant, islam, muslim, judaism, jewish, hinduism, hindu, buddhism, buddhist, sikhism, sikh, atheism, atheist, mormon`);

export const POLITICAL_AFFILIATIONS = list(`democrat, democrats, democratic party, republican, republicans, republican party, conservative, conservatives, labour, liberal, liberals, libertarian, socialist, socialists, green party, tory, tories`);

export const MEDICAL_CONDITIONS = list(`diabetes, asthma, cancer, dementia, alzheimer's, arthritis, depression, anxiety, covid, covid-19, influenza, flu, pneumonia, hypertension, high blood pressure, migraine, epilepsy, autism, adhd, heart disease, stroke, shin splints`);

export const DRUGS = list(`aspirin, ibuprofen, paracetamol, acetaminophen, insulin, penicillin, amoxicillin, morphine, codeine, metformin, statins, prozac, xanax, ritalin, antibiotics, tylenol, advil`);
