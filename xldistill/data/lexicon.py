"""Lexicon of the built-in English→German grammar.

Entries are compact strings so the whole vocabulary fits on a few screens.
Every concept lists one or more synonyms per language; the generator picks one
at random on each side, so a source sentence has several correct translations.

Formats (fields separated by ``|``, synonyms by ``;``):

nouns       concept | en sg/pl ; ... | de G Sg/Pl[/Oblique] ; ... | classes
            G is m, f or n; Pl "-" marks a mass noun (singular only); Oblique is
            the accusative/dative singular of weak masculine nouns (den Jungen).
adjectives  concept | en ; ... | de predicative[~attributive stem] ; ... | applies-to | polarity
verbs       concept | en base/3sg/past/participle ; ... | de German ; ... | frame | subject | object
            German = infinitive,2/3sg-stem,past,participle,aux where an empty
            2/3sg-stem means regular, a past ending in -te is weak, aux is h or s;
            a present written a/b/c/d/e/f gives all six persons explicitly.
            frame: intr, motion, tr (accusative object), dat (dative object),
            say (takes a that-clause).
"""

NOUNS = """
man|man/men|m Mann/Männer|person
woman|woman/women;lady/ladies|f Frau/Frauen;f Dame/Damen|person
child|child/children;kid/kids|n Kind/Kinder|person
boy|boy/boys|m Junge/Jungen/Jungen|person
girl|girl/girls|n Mädchen/Mädchen|person
teacher|teacher/teachers|m Lehrer/Lehrer;f Lehrerin/Lehrerinnen|person
doctor|doctor/doctors;physician/physicians|m Arzt/Ärzte;f Ärztin/Ärztinnen|person
student|student/students|m Student/Studenten/Studenten;f Studentin/Studentinnen|person
friend|friend/friends|m Freund/Freunde;f Freundin/Freundinnen|person
neighbour|neighbor/neighbors|m Nachbar/Nachbarn/Nachbarn;f Nachbarin/Nachbarinnen|person
farmer|farmer/farmers|m Bauer/Bauern/Bauern;m Landwirt/Landwirte|person
cook|cook/cooks;chef/chefs|m Koch/Köche|person
officer|police officer/police officers|m Polizist/Polizisten/Polizisten|person
driver|driver/drivers|m Fahrer/Fahrer|person
waiter|waiter/waiters|m Kellner/Kellner|person
king|king/kings|m König/Könige|person
grandmother|grandmother/grandmothers;grandma/grandmas|f Großmutter/Großmütter;f Oma/Omas|person
brother|brother/brothers|m Bruder/Brüder|person
sister|sister/sisters|f Schwester/Schwestern|person
mother|mother/mothers;mom/moms|f Mutter/Mütter;f Mama/Mamas|person
father|father/fathers;dad/dads|m Vater/Väter;m Papa/Papas|person
dog|dog/dogs;hound/hounds|m Hund/Hunde|animal
cat|cat/cats|f Katze/Katzen|animal
horse|horse/horses|n Pferd/Pferde|animal
bird|bird/birds|m Vogel/Vögel|animal
cow|cow/cows|f Kuh/Kühe|animal
mouse|mouse/mice|f Maus/Mäuse|animal
fish|fish/fish|m Fisch/Fische|animal
rabbit|rabbit/rabbits;bunny/bunnies|n Kaninchen/Kaninchen;m Hase/Hasen/Hasen|animal
bear|bear/bears|m Bär/Bären/Bären|animal
pig|pig/pigs|n Schwein/Schweine|animal
duck|duck/ducks|f Ente/Enten|animal
fox|fox/foxes|m Fuchs/Füchse|animal
book|book/books|n Buch/Bücher|object portable readable writable
letter|letter/letters|m Brief/Briefe|object portable readable writable openable
newspaper|newspaper/newspapers;paper/papers|f Zeitung/Zeitungen|object portable readable
map|map/maps|f Karte/Karten;m Stadtplan/Stadtpläne|object portable readable
apple|apple/apples|m Apfel/Äpfel|object portable food
bread|bread/-|n Brot/-|object portable food
cake|cake/cakes|m Kuchen/Kuchen;f Torte/Torten|object portable food
soup|soup/soups|f Suppe/Suppen|object food
sandwich|sandwich/sandwiches|n Sandwich/Sandwiches;n Brötchen/Brötchen|object portable food
cheese|cheese/-|m Käse/-|object portable food
egg|egg/eggs|n Ei/Eier|object portable food
banana|banana/bananas|f Banane/Bananen|object portable food
coffee|coffee/-|m Kaffee/-|object drink
tea|tea/-|m Tee/-|object drink
milk|milk/-|f Milch/-|object drink
water|water/-|n Wasser/-|object drink
juice|juice/-|m Saft/-|object drink
wine|wine/-|m Wein/-|object drink
car|car/cars;automobile/automobiles|n Auto/Autos;m Wagen/Wagen|object vehicle
bicycle|bicycle/bicycles;bike/bikes|n Fahrrad/Fahrräder;n Rad/Räder|object vehicle
bus|bus/buses|m Bus/Busse|object vehicle
train|train/trains|m Zug/Züge|object vehicle
boat|boat/boats|n Boot/Boote|object vehicle
table|table/tables|m Tisch/Tische|object surface furniture
chair|chair/chairs|m Stuhl/Stühle|object surface furniture portable
bed|bed/beds|n Bett/Betten|object surface furniture
box|box/boxes|f Kiste/Kisten;m Karton/Kartons;f Schachtel/Schachteln|object portable openable buildable
bag|bag/bags|f Tasche/Taschen|object portable openable
key|key/keys|m Schlüssel/Schlüssel|object portable
phone|phone/phones;telephone/telephones|n Telefon/Telefone;n Handy/Handys|object portable
computer|computer/computers;laptop/laptops|m Computer/Computer;m Rechner/Rechner|object portable
picture|picture/pictures;painting/paintings|n Bild/Bilder;n Gemälde/Gemälde|object portable
flower|flower/flowers|f Blume/Blumen|object portable
tree|tree/trees|m Baum/Bäume|object furniture
ball|ball/balls|m Ball/Bälle|object portable
door|door/doors|f Tür/Türen|object openable
window|window/windows|n Fenster/Fenster|object openable
cup|cup/cups;mug/mugs|f Tasse/Tassen;m Becher/Becher|object portable
glass|glass/glasses|n Glas/Gläser|object portable
bottle|bottle/bottles|f Flasche/Flaschen|object portable openable
shoe|shoe/shoes|m Schuh/Schuhe|object portable
hat|hat/hats|m Hut/Hüte|object portable
coat|coat/coats;jacket/jackets|m Mantel/Mäntel;f Jacke/Jacken|object portable
song|song/songs|n Lied/Lieder|object writable
gift|gift/gifts;present/presents|n Geschenk/Geschenke|object portable openable
ticket|ticket/tickets|f Fahrkarte/Fahrkarten;n Ticket/Tickets|object portable
house|house/houses|n Haus/Häuser;n Gebäude/Gebäude|object buildable building
bridge|bridge/bridges|f Brücke/Brücken|object buildable surface
wall|wall/walls|f Mauer/Mauern|object buildable
park|park/parks|m Park/Parks|place inside
garden|garden/gardens|m Garten/Gärten|place inside
kitchen|kitchen/kitchens|f Küche/Küchen|place inside
school|school/schools|f Schule/Schulen|place inside building
city|city/cities;town/towns|f Stadt/Städte|place inside
forest|forest/forests|m Wald/Wälder;m Forst/Forste|place inside
shop|shop/shops;store/stores|n Geschäft/Geschäfte;m Laden/Läden|place inside building
library|library/libraries|f Bibliothek/Bibliotheken;f Bücherei/Büchereien|place inside building
office|office/offices|n Büro/Büros|place inside building
room|room/rooms|n Zimmer/Zimmer;m Raum/Räume|place inside
restaurant|restaurant/restaurants|n Restaurant/Restaurants;n Lokal/Lokale|place inside building
museum|museum/museums|n Museum/Museen|place inside building
hospital|hospital/hospitals|n Krankenhaus/Krankenhäuser;f Klinik/Kliniken|place inside building
village|village/villages|n Dorf/Dörfer|place inside
church|church/churches|f Kirche/Kirchen|place inside building
hotel|hotel/hotels|n Hotel/Hotels|place inside building
station|station/stations|m Bahnhof/Bahnhöfe|place at building
lake|lake/lakes|m See/Seen|place at
river|river/rivers|m Fluss/Flüsse|place at
beach|beach/beaches|m Strand/Strände|place at
street|street/streets;road/roads|f Straße/Straßen|place surface
square|square/squares|m Platz/Plätze|place surface
roof|roof/roofs|n Dach/Dächer|place surface
market|market/markets|m Markt/Märkte|place surface
"""

ADJECTIVES = """
small|small;little|klein|any|0
big|big;large|groß|any|0
old|old|alt|any|0
new|new|neu|object|0
young|young|jung|animate|0
beautiful|beautiful;pretty;lovely|schön;hübsch|any|1
ugly|ugly|hässlich|any|-1
red|red|rot|object|0
blue|blue|blau|object|0
green|green|grün|object|0
black|black|schwarz|any|0
white|white|weiß|any|0
yellow|yellow|gelb|object|0
happy|happy;glad|glücklich;froh|animate|1
sad|sad;unhappy|traurig|animate|-1
tired|tired;sleepy|müde|animate|-1
hungry|hungry|hungrig|animate|0
friendly|friendly;kind|freundlich;nett|animate|1
angry|angry|wütend;böse|animate|-1
quiet|quiet;silent|ruhig;still|any|0
loud|loud;noisy|laut|any|-1
fast|fast;quick|schnell|any|0
slow|slow|langsam|any|0
expensive|expensive;costly|teuer~teur|object|-1
cheap|cheap|billig;günstig|object|1
clean|clean|sauber|object|1
dirty|dirty|schmutzig|object|-1
warm|warm|warm|object|0
cold|cold|kalt|object|0
heavy|heavy|schwer|object|0
strong|strong|stark|animate|0
clever|clever;smart|klug;schlau|animate|1
brave|brave|mutig;tapfer|animate|1
funny|funny|lustig;witzig|animate|1
dark|dark|dunkel~dunkl|object|0
famous|famous;well-known|berühmt;bekannt|any|1
strange|strange;odd|seltsam;merkwürdig|any|-1
delicious|delicious;tasty|lecker|food|1
fresh|fresh|frisch|food|1
good|good;great;fine|gut;toll|any|1
excellent|excellent;superb|ausgezeichnet;hervorragend|any|1
wonderful|wonderful;fantastic|wunderbar;fantastisch|any|1
bad|bad;poor|schlecht|any|-1
terrible|terrible;awful;horrible|schrecklich;furchtbar|any|-1
boring|boring;dull|langweilig|any|-1
"""

VERBS = """
sleep|sleep/sleeps/slept/slept|schlafen,schläf,schlief,geschlafen,h|intr|animate|
work|work/works/worked/worked|arbeiten,,arbeitete,gearbeitet,h|intr|person|
laugh|laugh/laughs/laughed/laughed|lachen,,lachte,gelacht,h|intr|person|
wait|wait/waits/waited/waited|warten,,wartete,gewartet,h|intr|animate|
sing|sing/sings/sang/sung|singen,,sang,gesungen,h|intr|person|
dance|dance/dances/danced/danced|tanzen,,tanzte,getanzt,h|intr|person|
play|play/plays/played/played|spielen,,spielte,gespielt,h|intr|animate|
cry|cry/cries/cried/cried;weep/weeps/wept/wept|weinen,,weinte,geweint,h|intr|person|
swim|swim/swims/swam/swum|schwimmen,,schwamm,geschwommen,s|intr|animate|
live|live/lives/lived/lived|wohnen,,wohnte,gewohnt,h;leben,,lebte,gelebt,h|intr|animate|
talk|talk/talks/talked/talked;speak/speaks/spoke/spoken|sprechen,sprich,sprach,gesprochen,h;reden,,redete,geredet,h|intr|person|
go|go/goes/went/gone;walk/walks/walked/walked|gehen,,ging,gegangen,s;laufen,läuf,lief,gelaufen,s|motion|animate|
drive|drive/drives/drove/driven|fahren,fähr,fuhr,gefahren,s|motion|person|
travel|travel/travels/traveled/traveled|reisen,,reiste,gereist,s|motion|person|
come|come/comes/came/come|kommen,,kam,gekommen,s|motion|animate|
fly|fly/flies/flew/flown|fliegen,,flog,geflogen,s|motion|person|
run|run/runs/ran/run|rennen,,rannte,gerannt,s|motion|animate|
see|see/sees/saw/seen;notice/notices/noticed/noticed|sehen,sieh,sah,gesehen,h;bemerken,,bemerkte,bemerkt,h|tr|animate|any
buy|buy/buys/bought/bought;purchase/purchases/purchased/purchased|kaufen,,kaufte,gekauft,h;erwerben,erwirb,erwarb,erworben,h|tr|person|object
read|read/reads/read/read|lesen,lies,las,gelesen,h|tr|person|readable
eat|eat/eats/ate/eaten|essen,iss,aß,gegessen,h|tr|person|food
drink|drink/drinks/drank/drunk|trinken,,trank,getrunken,h|tr|person|drink
find|find/finds/found/found|finden,,fand,gefunden,h|tr|animate|any
need|need/needs/needed/needed|brauchen,,brauchte,gebraucht,h;benötigen,,benötigte,benötigt,h|tr|person|object
like|like/likes/liked/liked|mögen,mag/magst/mag/mögen/mögt/mögen,mochte,gemocht,h|tr|person|any
love|love/loves/loved/loved|lieben,,liebte,geliebt,h|tr|person|any
hate|hate/hates/hated/hated|hassen,,hasste,gehasst,h|tr|person|any
enjoy|enjoy/enjoys/enjoyed/enjoyed|genießen,,genoss,genossen,h|tr|person|any
recommend|recommend/recommends/recommended/recommended|empfehlen,empfiehl,empfahl,empfohlen,h|tr|person|any
praise|praise/praises/praised/praised|loben,,lobte,gelobt,h;rühmen,,rühmte,gerühmt,h|tr|person|any
criticize|criticize/criticizes/criticized/criticized|kritisieren,,kritisierte,kritisiert,h;bemängeln,,bemängelte,bemängelt,h|tr|person|any
visit|visit/visits/visited/visited|besuchen,,besuchte,besucht,h|tr|person|person place
write|write/writes/wrote/written|schreiben,,schrieb,geschrieben,h|tr|person|writable
build|build/builds/built/built|bauen,,baute,gebaut,h|tr|person|buildable
carry|carry/carries/carried/carried|tragen,träg,trug,getragen,h|tr|person|portable
open|open/opens/opened/opened|öffnen,,öffnete,geöffnet,h|tr|person|openable
sell|sell/sells/sold/sold|verkaufen,,verkaufte,verkauft,h|tr|person|object
wash|wash/washes/washed/washed;clean/cleans/cleaned/cleaned|waschen,wäsch,wusch,gewaschen,h;putzen,,putzte,geputzt,h|tr|person|object animal
bring|bring/brings/brought/brought|bringen,,brachte,gebracht,h|tr|person|portable
take|take/takes/took/taken|nehmen,nimm,nahm,genommen,h|tr|person|portable
forget|forget/forgets/forgot/forgotten|vergessen,vergiss,vergaß,vergessen,h|tr|person|any
paint|paint/paints/painted/painted;draw/draws/drew/drawn|malen,,malte,gemalt,h;zeichnen,,zeichnete,gezeichnet,h|tr|person|any
feed|feed/feeds/fed/fed|füttern,,fütterte,gefüttert,h|tr|person|animal
meet|meet/meets/met/met|treffen,triff,traf,getroffen,h|tr|person|person
search|look for/looks for/looked for/looked for;search for/searches for/searched for/searched for|suchen,,suchte,gesucht,h|tr|animate|any
repair|repair/repairs/repaired/repaired;fix/fixes/fixed/fixed|reparieren,,reparierte,repariert,h|tr|person|vehicle furniture openable
order|order/orders/ordered/ordered|bestellen,,bestellte,bestellt,h|tr|person|food drink
cook|cook/cooks/cooked/cooked|kochen,,kochte,gekocht,h|tr|person|food
lose|lose/loses/lost/lost|verlieren,,verlor,verloren,h|tr|person|portable
know|know/knows/knew/known|kennen,,kannte,gekannt,h|tr|person|person place
understand|understand/understands/understood/understood|verstehen,,verstand,verstanden,h|tr|person|person
help|help/helps/helped/helped|helfen,hilf,half,geholfen,h|dat|person|animate
thank|thank/thanks/thanked/thanked|danken,,dankte,gedankt,h|dat|person|person
follow|follow/follows/followed/followed|folgen,,folgte,gefolgt,s|dat|animate|animate
say|say/says/said/said|sagen,,sagte,gesagt,h|say|person|
think|think/thinks/thought/thought;believe/believes/believed/believed|glauben,,glaubte,geglaubt,h;denken,,dachte,gedacht,h|say|person|
realize|know/knows/knew/known|wissen,weiß/weißt/weiß/wissen/wisst/wissen,wusste,gewusst,h|say|person|
hear|hear/hears/heard/heard|hören,,hörte,gehört,h|say|person|
"""

# Entities (tagged PER / LOC / ORG, see grammar.entity_tokens). Not always the same
# strings in both languages: places have German exonyms, organisations translate their
# parts and decline (an der Technischen Universität München), names take a genitive -s.
PERSON_NAMES = (
    "Anna Maria Thomas Peter Lukas Sophie Paul Emma David Laura Martin Julia "
    "Felix Clara Daniel Sarah Jonas Nina Simon Lena Oskar Greta Jakob Ida"
).split()
SURNAMES = "Schmidt Weber Fischer Wagner Becker Hoffmann Keller Richter Wolf Neumann Berger Lang".split()
PLACES = [(name, name) for name in (  # (English, German)
    "Berlin Hamburg Paris London Madrid Amsterdam Dublin Oslo Boston Chicago "
    "Toronto Bremen Dresden Leipzig Bonn Stuttgart Helsinki Zagreb").split()] + [
    ("Munich", "München"), ("Vienna", "Wien"), ("Cologne", "Köln"), ("Prague", "Prag"), ("Rome", "Rom"),
    ("Milan", "Mailand"), ("Venice", "Venedig"), ("Warsaw", "Warschau"), ("Copenhagen", "Kopenhagen"),
    ("Brussels", "Brüssel"), ("Lisbon", "Lissabon"), ("Athens", "Athen"), ("Moscow", "Moskau"),
    ("Nuremberg", "Nürnberg"), ("Zurich", "Zürich"), ("Geneva", "Genf"),
    ("New York", "New York"), ("Los Angeles", "Los Angeles"), ("Rio de Janeiro", "Rio de Janeiro"),
    ("Frankfurt am Main", "Frankfurt am Main"),
]
PLACE_NAMES = [english for english, _ in PLACES]
# "works at ...": (English article, English name, German preposition, German dative article, German name);
# the span is the name without its article (as in CoNLL-2003 and GermEval).
ORGANISATIONS = [("", name, "bei", "", name) for name in
                 "Siemens Bosch Adidas Lufthansa Porsche Airbus Nestlé Philips".split()] + [
    ("the", "University of Vienna", "an", "der", "Universität Wien"),
    ("the", "Technical University of Munich", "an", "der", "Technischen Universität München"),
    ("the", "Red Cross", "bei", "dem", "Roten Kreuz"),
    ("the", "European Commission", "bei", "der", "Europäischen Kommission"),
    ("the", "Bank of England", "bei", "der", "Bank von England"),
    ("the", "Berlin Philharmonic", "bei", "den", "Berliner Philharmonikern"),
    ("the", "United Nations", "bei", "den", "Vereinten Nationen"),
    ("the", "Vienna State Opera", "an", "der", "Wiener Staatsoper"),
]
ENTITY_TYPES = ("PER", "LOC", "ORG")

WEEKDAYS = [
    ("Monday", "Montag"), ("Tuesday", "Dienstag"), ("Wednesday", "Mittwoch"),
    ("Thursday", "Donnerstag"), ("Friday", "Freitag"), ("Saturday", "Samstag"),
    ("Sunday", "Sonntag"),
]

# Time adverbials: (English synonyms, German synonyms, tenses they fit).
TIME_ADVERBS = [
    (["today"], ["heute"], {"present"}),
    (["now", "right now"], ["jetzt", "gerade"], {"present"}),
    (["every day", "daily"], ["jeden Tag", "täglich"], {"present", "past"}),
    (["often", "frequently"], ["oft", "häufig"], {"present", "past", "perfect"}),
    (["yesterday"], ["gestern"], {"past", "perfect"}),
    (["last week"], ["letzte Woche", "vorige Woche"], {"past", "perfect"}),
    (["in the morning"], ["am Morgen", "morgens"], {"present", "past", "perfect"}),
    (["in the evening"], ["am Abend", "abends"], {"present", "past", "perfect"}),
    (["at night"], ["in der Nacht", "nachts"], {"present", "past", "perfect"}),
]

# Subordinating conjunctions: (English, German, tenses of the clause they take).
SUBORDINATORS = [
    (["because", "since"], ["weil", "da"], {"present", "past", "perfect"}),
    (["although", "even though"], ["obwohl"], {"present", "past", "perfect"}),
    (["if", "when"], ["wenn"], {"present"}),
    (["while"], ["während"], {"present", "past"}),
    (["before"], ["bevor"], {"present", "past"}),
]

# Prepositions: (English, German, case, noun classes they take, kind).
# kind "place" answers "where?", "direction" answers "where to?" (motion verbs
# only), "with" adds a companion or beneficiary.
PREPOSITIONS = [
    ("in", "in", "dat", {"inside"}, "place"),
    ("on", "auf", "dat", {"surface"}, "place"),
    ("at", "an", "dat", {"at"}, "place"),
    ("under", "unter", "dat", {"furniture", "surface"}, "place"),
    ("next to", "neben", "dat", {"furniture", "building", "vehicle"}, "place"),
    ("in front of", "vor", "dat", {"building", "furniture", "vehicle"}, "place"),
    ("behind", "hinter", "dat", {"building", "furniture", "vehicle"}, "place"),
    ("into", "in", "acc", {"inside"}, "direction"),
    ("to", "zu", "dat", {"building", "at"}, "direction"),
    ("through", "durch", "acc", {"inside", "surface"}, "direction"),
    ("with", "mit", "dat", {"person", "animal"}, "with"),
    ("without", "ohne", "acc", {"person", "animal"}, "with"),
    ("for", "für", "acc", {"person", "animal"}, "with"),
]

# Preposition + definite article contractions that German requires.
CONTRACTIONS = {
    ("in", "dem"): "im", ("in", "das"): "ins", ("an", "dem"): "am",
    ("zu", "dem"): "zum", ("zu", "der"): "zur", ("von", "dem"): "vom",
    ("bei", "dem"): "beim",
}

# --- Labels: sentiment and topic (opinion sentences, see grammar.SentenceGenerator.opinion) ---

# Evaluative verbs and their polarity (the verbs themselves are in VERBS).
VERB_POLARITY = {"like": 1, "love": 1, "enjoy": 1, "recommend": 1, "praise": 1, "hate": -1, "criticize": -1}

# Evaluative manner adverbs: (English synonyms, German synonyms, polarity). German adverbs are
# uninflected and stand where the predicative adjective stands (after nicht): "nicht gut gekocht".
MANNER_ADVERBS = [
    (["well", "nicely"], ["gut"], 1),
    (["wonderfully", "beautifully"], ["wunderbar", "wunderschön"], 1),
    (["carefully"], ["sorgfältig"], 1),
    (["badly", "poorly"], ["schlecht"], -1),
    (["terribly", "horribly"], ["furchtbar", "schrecklich"], -1),
    (["carelessly"], ["nachlässig"], -1),
]
# Transitive verbs that take a manner adverb in opinion sentences ("cooked the soup badly").
MANNER_VERBS = ("cook", "paint", "write", "repair", "build", "wash", "feed", "sell")

# Topics by the domain of the evaluated noun (persons belong to no topic).
TOPICS = {
    "food": "apple bread cake soup sandwich cheese egg banana coffee tea milk water juice wine restaurant kitchen",
    "nature": "dog cat horse bird cow mouse fish rabbit bear pig duck fox flower tree park garden forest lake "
              "river beach",
    "travel": "car bicycle bus train boat ticket map station hotel city street bridge square village",
    "culture": "book letter newspaper song picture museum library school church",
    "home": "table chair bed box bag key phone computer door window cup glass bottle shoe hat coat house wall "
            "room roof",
}
