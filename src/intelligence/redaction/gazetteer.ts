/**
 * Small hand-written lists for PII detection on lowercase ASR text, where capitals cannot point
 * at names (issue 7 item 7). The word list in /usr/share/dict knows that "paris" is a proper
 * noun but not whether it is a person or a place; these lists say which. Kept short on purpose:
 * common US first names, countries, states and large cities, and organisation suffixes.
 */

const words = (text: string): string[] => text.trim().split(/\s+/);

/** Common US given names (a few hundred; Social Security popularity lists of recent decades). */
export const FIRST_NAMES = new Set(words(`
  aaron abigail adam adrian aiden alan albert alex alexander alexandra alexis alice alicia allison alyssa amanda amber amy
  andrea andrew angela anna anne anthony antonio arthur ashley austin barbara benjamin betty beverly billy bobby brandon
  brenda brian brittany bruce bryan caleb cameron carl carlos carol caroline catherine charles charlotte cheryl chloe
  christian christina christine christopher cindy claire cody colin connor craig crystal cynthia daniel danielle david
  deborah debra denise dennis derek diana diane donald donna dorothy douglas dylan edward elijah elizabeth ella emily emma
  eric erica erin ethan eugene evan evelyn gabriel gary george gerald gloria grace gregory hannah harold harry heather
  helen henry isaac isabella jacob jacqueline james jamie janet janice jason jeffrey jennifer jeremy jerry jesse jessica
  joan joanna joe joel john johnny jonathan jordan jose joseph joshua joyce juan judith judy julia julian julie justin
  karen katherine kathleen kathryn kayla keith kelly kenneth kevin kimberly kyle larry laura lauren lawrence leah liam
  linda lisa logan louis lucas lucy luis madison margaret maria marie marilyn martha mary matthew megan melissa michael
  michelle mohammed muhammad natalie nathan nicholas nicole noah olivia oscar pamela patricia patrick paul peter philip
  rachel ralph randy raymond rebecca richard robert roger ronald russell ruth ryan samantha samuel sandra sara sarah scott
  sean sharon shirley sophia stephanie stephen steven susan teresa terry theresa thomas timothy tyler victoria vincent
  walter wayne william zachary zoe tom jim tim dan sam ben max jake luke nick tony steve mike dave chris matt rob bob
  kate katie jenny jen liz beth meg sue ann amy kim pam jess becky nancy betty alan ian ivan oliver jack leo mia ava
  sofia lily chloe ella ruby priya raj wei li chen yuki hiroshi fatima omar ahmed ali maria carmen diego sofia lucia
`));

/**
 * Given names that are also everyday words ("will", "mark", "grace"): without capitals they
 * count as names only after a cue ("my name is …") or before a surname-like word.
 */
export const AMBIGUOUS_FIRST_NAMES = new Set(words(`
  will mark bill may june april rose grace faith hope joy jack frank pat sue art don ray gene rob bob jean dawn hunter
  chase miles carter wade lane gary sandy rusty sky summer autumn angel bishop drew grant guy heath jay jewel lee dean
  hank christian mason taylor jordan paige page reed summer sterling penny ruby amber crystal olive pearl ivy holly
  victoria charity august max sam ben will nick rob tom jim tim dan matt pat jess kim ann art
`));

/** Countries, US states and large cities; multi-word names are matched as token sequences. */
export const PLACES = new Set([
  ...words(`
  afghanistan albania algeria argentina armenia australia austria bangladesh belgium bolivia brazil bulgaria cambodia
  cameroon canada chile china colombia croatia cuba cyprus denmark ecuador egypt england estonia ethiopia finland france
  germany ghana greece guatemala haiti honduras hungary iceland india indonesia iran iraq ireland israel italy jamaica
  japan jordan kazakhstan kenya korea kuwait laos latvia lebanon libya lithuania luxembourg madagascar malaysia mali
  mexico mongolia morocco mozambique myanmar nepal netherlands nicaragua nigeria norway pakistan panama paraguay peru
  philippines poland portugal qatar romania russia rwanda scotland senegal serbia singapore slovakia slovenia somalia
  spain sudan sweden switzerland syria taiwan tanzania thailand tunisia turkey uganda ukraine uruguay uzbekistan
  venezuela vietnam wales yemen zambia zimbabwe america
  alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho illinois indiana
  iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri montana nebraska
  nevada ohio oklahoma oregon pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming
  london paris berlin madrid rome tokyo beijing shanghai moscow toronto vancouver montreal sydney melbourne dublin
  amsterdam brussels vienna prague warsaw budapest lisbon athens istanbul cairo mumbai delhi bangalore seoul bangkok
  manila jakarta nairobi lagos johannesburg chicago houston phoenix philadelphia dallas austin seattle denver boston
  detroit nashville portland vegas atlanta miami baltimore milwaukee albuquerque tucson fresno sacramento oakland
  minneapolis cleveland pittsburgh cincinnati orlando tampa honolulu anchorage brooklyn manhattan queens bronx
  edinburgh glasgow manchester liverpool birmingham oxford cambridge
  `),
  'new york', 'new jersey', 'new mexico', 'new hampshire', 'new zealand', 'new orleans', 'new delhi', 'north carolina',
  'south carolina', 'north dakota', 'south dakota', 'west virginia', 'rhode island', 'united states', 'united kingdom',
  'south africa', 'south korea', 'north korea', 'saudi arabia', 'sri lanka', 'costa rica', 'puerto rico', 'hong kong',
  'los angeles', 'san francisco', 'san diego', 'san jose', 'san antonio', 'las vegas', 'salt lake city', 'kansas city',
  'st louis', 'saint louis', 'el paso', 'fort worth', 'washington dc', 'buenos aires', 'rio de janeiro', 'mexico city',
  'tel aviv', 'abu dhabi', 'cape town', 'silicon valley', 'long island', 'santa monica', 'palo alto', 'mountain view',
]);

/** The longest place name in tokens, for matching multi-word names. */
export const MAX_PLACE_WORDS = 3;

/** Words that end an organisation's name ("Acme Corporation", "First National Bank"). */
export const ORG_SUFFIXES = new Set(words(`
  inc incorporated corp corporation company co llc ltd limited plc gmbh bank university college institute foundation
  association group hospital clinic airlines airline agency partners technologies systems labs laboratories
  insurance council committee ministry department school
`));

/** Organisations people name often, whose names are not everyday words. */
export const KNOWN_ORGANIZATIONS = new Set([
  ...words(`
  google microsoft facebook netflix ibm intel nvidia walmart starbucks twitter youtube linkedin uber airbnb paypal
  verizon comcast boeing pfizer moderna toyota samsung sony siemens nestle unilever fedex ups dhl mcdonald's mcdonalds
  ikea spotify openai assemblyai salesforce oracle adobe cisco dell lenovo huawei xiaomi alibaba tencent
  `),
  'bank of america', 'wells fargo', 'goldman sachs', 'morgan stanley', 'general motors', 'general electric',
  'procter and gamble', 'johnson and johnson', 'coca cola', 'american express', 'united nations', 'red cross',
]);

/** Street types that end an address ("one two three main street"). */
export const STREET_TYPES = new Set(words('street st avenue ave road rd boulevard blvd lane ln drive dr way court ct place pl terrace parkway highway'));

/** Top-level domains accepted at the end of a spoken email address ("… dot com"). */
export const TOP_LEVEL_DOMAINS = new Set(words('com org net edu gov io co uk us de fr ca au info biz me ai app dev'));
