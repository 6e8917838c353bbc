"""MRZ content generation: valid ICAO 9303 TD1 / TD2 / TD3 zones with correct check digits.

Pure Python, deterministic given a random.Random instance.
"""
import random
import unicodedata

ALPHABET = "<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # class 0 is the CTC blank, then these 37
FILLER = "<"

# ICAO 9303 part 3: 3-letter codes (ISO 3166-1 alpha-3) plus the ICAO-specific ones.
COUNTRIES = """AFG ALA ALB DZA ASM AND AGO AIA ATA ATG ARG ARM ABW AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN
BMU BTN BOL BES BIH BWA BVT BRA IOT BRN BGR BFA BDI CPV KHM CMR CAN CYM CAF TCD CHL CHN CXR CCK COL COM COG
COD COK CRI CIV HRV CUB CUW CYP CZE DNK DJI DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FLK FRO FJI FIN FRA GUF
PYF ATF GAB GMB GEO DEU GHA GIB GRC GRL GRD GLP GUM GTM GGY GIN GNB GUY HTI HMD VAT HND HKG HUN ISL IND IDN
IRN IRQ IRL IMN ISR ITA JAM JPN JEY JOR KAZ KEN KIR PRK KOR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MAC
MDG MWI MYS MDV MLI MLT MHL MTQ MRT MUS MYT MEX FSM MDA MCO MNG MNE MSR MAR MOZ MMR NAM NRU NPL NLD NCL NZL
NIC NER NGA NIU NFK MKD MNP NOR OMN PAK PLW PSE PAN PNG PRY PER PHL PCN POL PRT PRI QAT REU ROU RUS RWA BLM
SHN KNA LCA MAF SPM VCT WSM SMR STP SAU SEN SRB SYC SLE SGP SXM SVK SVN SLB SOM ZAF SGS SSD ESP LKA SDN SUR
SJM SWE CHE SYR TWN TJK TZA THA TLS TGO TKL TON TTO TUN TUR TKM TCA TUV UGA UKR ARE GBR USA UMI URY UZB VUT
VEN VNM VGB VIR WLF ESH YEM ZMB ZWE""".split()
ICAO_SPECIAL = ["D<<", "GBD", "GBN", "GBO", "GBP", "GBS", "UNO", "UNA", "UNK", "XBA", "XIM", "XCC", "XCO",
                "XEC", "XPO", "XES", "XMP", "XOM", "XDC", "XXA", "XXB", "XXC", "XXX", "EUE", "RKS", "UTO"]
# weighted: common issuers appear more often, specimens (UTO, D<<) often
COMMON = ["D<<", "UTO", "FRA", "GBR", "USA", "NLD", "ITA", "ESP", "POL", "SWE", "CHE", "AUT", "BEL", "PRT",
          "ROU", "UKR", "TUR", "IND", "CHN", "BRA", "MEX", "CAN", "AUS", "LTU", "LVA", "EST", "FIN", "NOR",
          "DNK", "IRL", "CZE", "SVK", "HUN", "GRC", "BGR", "HRV", "SRB", "RUS", "JPN", "KOR", "PHL", "VNM",
          "NGA", "EGY", "MAR", "ZAF", "PAK", "BGD", "IDN", "GBD", "DEU"]

SURNAMES = """SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ HERNANDEZ LOPEZ GONZALEZ
WILSON ANDERSON THOMAS TAYLOR MOORE JACKSON MARTIN LEE PEREZ THOMPSON WHITE HARRIS SANCHEZ CLARK RAMIREZ LEWIS
ROBINSON WALKER YOUNG ALLEN KING WRIGHT SCOTT TORRES NGUYEN HILL FLORES GREEN ADAMS NELSON BAKER HALL RIVERA
CAMPBELL MITCHELL CARTER ROBERTS MUELLER SCHMIDT SCHNEIDER FISCHER WEBER MEYER WAGNER BECKER SCHULZ HOFFMANN
SCHAEFER KOCH BAUER RICHTER KLEIN WOLF SCHROEDER NEUMANN SCHWARZ ZIMMERMANN BRAUN KRUEGER HOFMANN HARTMANN
LANGE SCHMITT WERNER KRAUSE MEIER LEHMANN SCHMID SCHULZE MAIER KOEHLER HERRMANN KOENIG WALTER HUBER MARTIN
BERNARD DUBOIS THOMAS ROBERT RICHARD PETIT DURAND LEROY MOREAU SIMON LAURENT LEFEBVRE MICHEL GARCIA DAVID
BERTRAND ROUX VINCENT FOURNIER MOREL GIRARD ANDRE LEFEVRE MERCIER DUPONT LAMBERT BONNET FRANCOIS MARTINEZ
ROSSI RUSSO FERRARI ESPOSITO BIANCHI ROMANO COLOMBO RICCI MARINO GRECO BRUNO GALLO CONTI DELUCA MANCINI COSTA
GIORDANO RIZZO LOMBARDI MORETTI NOWAK KOWALSKI WISNIEWSKI WOJCIK KOWALCZYK KAMINSKI LEWANDOWSKI ZIELINSKI
SZYMANSKI WOZNIAK DABROWSKI KOZLOWSKI JANKOWSKI MAZUR KWIATKOWSKI KRAWCZYK PIOTROWSKI GRABOWSKI NOWAKOWSKI
PAWLOWSKI MICHALSKI IVANOV SMIRNOV KUZNETSOV POPOV VASILIEV PETROV SOKOLOV MIKHAILOV NOVIKOV FEDOROV MOROZOV
VOLKOV ALEKSEEV LEBEDEV SEMENOV EGOROV PAVLOV KOZLOV STEPANOV NIKOLAEV ORLOV ANDREEV MAKAROV ZAKHAROV
SHEVCHENKO KOVALENKO BONDARENKO TKACHENKO KRAVCHENKO OLIINYK SHEVCHUK POLISHCHUK LYSENKO MELNYK BOYKO
YILMAZ KAYA DEMIR SAHIN CELIK YILDIZ YILDIRIM OZTURK AYDIN OZDEMIR ARSLAN DOGAN KILIC ASLAN CETIN KARA KOC
KURT OZKAN SIMSEK WANG LI ZHANG LIU CHEN YANG HUANG ZHAO WU ZHOU XU SUN MA ZHU HU GUO HE GAO LIN LUO ZHENG
LIANG XIE SONG TANG HAN FENG DENG CAO PENG ZENG XIAO TIAN DONG PAN YUAN CAI JIANG YU DU YE CHENG WEI SU LU
DING REN SHEN YAO ZHONG JIN CUI TAN SATO SUZUKI TAKAHASHI TANAKA WATANABE ITO YAMAMOTO NAKAMURA KOBAYASHI
KATO YOSHIDA YAMADA SASAKI YAMAGUCHI MATSUMOTO INOUE KIMURA HAYASHI SHIMIZU KIM PARK CHOI JUNG KANG CHO YOON
JANG LIM HAN OH SEO SHIN KWON HWANG AHN SONG JEON HONG TRAN LE PHAM HOANG PHAN VU VO DANG BUI DO HO NGO DUONG
LY SINGH KUMAR SHARMA PATEL GUPTA KHAN SHAH MEHTA JOSHI DAS REDDY RAO NAIR IYER MENON CHOWDHURY BANERJEE
MUKHERJEE CHATTERJEE DESAI KAPOOR MALHOTRA AHMED ALI HASSAN HUSSEIN IBRAHIM MOHAMED ABDULLAH RAHMAN ALSAUD
ALMANSOURI ELAMRANI BENALI HADDAD KHOURY NASSER SAID SALEH YOUSEF MANSOUR OKAFOR OKONKWO ADEYEMI MWANGI
OTIENO KAMAU DIALLO TRAORE KONE COULIBALY DIOP NDIAYE MENSAH OWUSU BOATENG ASANTE SILVA SANTOS OLIVEIRA
SOUZA RODRIGUES FERREIRA ALVES PEREIRA LIMA GOMES RIBEIRO CARVALHO ALMEIDA MARTINS ROCHA DIAS MONTEIRO
MENDES BARBOSA FERNANDES GOMEZ DIAZ MORENO MUNOZ ALVAREZ ROMERO JIMENEZ RUIZ NAVARRO DOMINGUEZ VAZQUEZ RAMOS
GIL SERRANO BLANCO MOLINA CASTRO ORTIZ RUBIO MARIN SANZ IGLESIAS NUNEZ MEDINA GARRIDO JANSEN DEJONG DEVRIES
VANDENBERG VANDIJK BAKKER JANSSEN VISSER SMIT MEIJER DEBOER MULDER DEGROOT BOS VOS PETERS HENDRIKS VANLEEUWEN
DEKKER BROUWER DEWIT DIJKSTRA SMITS DEGRAAF VANDERMEER VANDERLINDEN KOK JACOBS DEHAAN VERMEULEN JOHANSSON
KARLSSON NILSSON ERIKSSON LARSSON OLSSON PERSSON SVENSSON GUSTAFSSON PETTERSSON JONSSON HANSEN JOHANSEN
OLSEN LARSEN ANDERSEN PEDERSEN NIELSEN KRISTIANSEN JENSEN KORHONEN VIRTANEN MAKINEN NIEMINEN MAKELA
HAMALAINEN LAINE HEIKKINEN KOSKINEN JARVINEN NAGY KOVACS TOTH SZABO HORVATH VARGA KISS MOLNAR NEMETH FARKAS
BALOGH PAPADOPOULOS PAPAGEORGIOU OIKONOMOU GEORGIOU KONSTANTINIDIS NIKOLAIDIS POPESCU POPA IONESCU
CONSTANTIN STAN STOICA GHEORGHE RUSU MUNTEANU MATEI DIMITROV GEORGIEV PETROVA HORVAT KOVACEVIC BABIC
MARIC JURIC NOVAK JOVANOVIC PETROVIC NIKOLIC MARKOVIC DJORDJEVIC STOJANOVIC ILIC STANKOVIC PAVLOVIC
KAZLAUSKAS JANKAUSKAS PETRAUSKAS STANKEVICIUS BERZINS KALNINS OZOLS TAMM SAAR SEPP MAGI KASK MURPHY KELLY
OSULLIVAN WALSH OBRIEN BYRNE RYAN OCONNOR ODONNELL MCCARTHY MACDONALD MCLEOD FITZGERALD COHEN LEVI MIZRAHI
PERETZ BITON FRIEDMAN AVRAHAM DAHAN AGARWAL WOJCIECHOWSKI ZAWADZKI QUINTERO QUISPE MAMANI QUIROGA QADIR
QURESHI ZOLTAN ZAPATA ZUNIGA ZIEGLER ZOBEL GOMOLKA GOGOLEWSKI BOGDANOVIC SZCZEPANSKI BRZEZINSKI""".split()

GIVEN = """ANNA MARIA JOHN JAMES ROBERT MICHAEL WILLIAM DAVID RICHARD JOSEPH THOMAS CHARLES MARY PATRICIA JENNIFER
LINDA ELIZABETH BARBARA SUSAN JESSICA SARAH KAREN LISA NANCY BETTY SANDRA MARGARET ASHLEY EMILY OLIVIA EMMA
SOPHIA ISABELLA MIA CHARLOTTE AMELIA HARPER EVELYN ABIGAIL NOAH LIAM OLIVER ELIJAH LUCAS MASON LOGAN ETHAN
JACOB JACK LUKAS LEON FINN ELIAS JONAS BEN PAUL FELIX MAXIMILIAN HANNAH LEA LENA LAURA JULIA SOPHIE LAURA
JEAN PIERRE MARIE LOUIS GABRIEL ARTHUR JULES HUGO CHLOE INES CAMILLE MANON ZOE LOUISE FRANCESCO ALESSANDRO
LORENZO MATTEO LEONARDO GIULIA AURORA GINEVRA BEATRICE PIOTR KRZYSZTOF ANDRZEJ TOMASZ PAWEL MICHAL
KATARZYNA MALGORZATA AGNIESZKA ZOFIA ZUZANNA JAKUB SZYMON IVAN DMITRY SERGEY ALEXANDER ALEKSANDR ANDREY
ALEXEY MAXIM NIKOLAI VLADIMIR OLGA TATIANA NATALIA ELENA IRINA SVETLANA EKATERINA ANASTASIA OLEKSANDR
OLENA MYKOLA TARAS BOHDAN MEHMET MUSTAFA AHMET ALI HUSEYIN HASAN IBRAHIM FATMA AYSE EMINE ZEYNEP ELIF WEI
FANG MIN JING LEI JUN YAN HUI LING XIAOMING YUXUAN ZIHAN HAORAN HIROSHI TAKESHI YUKI HARUTO SAKURA YUI AOI
MINJUN SEOYEON JIWOO HAYOON MINH ANH LINH DUNG THANH HUONG RAHUL PRIYA AMIT SUNITA ARJUN ANANYA VIKRAM
DEEPIKA MOHAMMED MUHAMMAD AHMAD OMAR YOUSSEF FATIMA AISHA KHADIJA MARYAM LAYLA CHUKWUEMEKA NGOZI OLUWASEUN
ADAEZE KWAME AMA KOFI ABENA MAMADOU AMINATA IBRAHIMA FATOUMATA JOAO JOSE ANTONIO FRANCISCO ANA JULIANA
GABRIELA CAMILA VALENTINA SANTIAGO MATIAS SEBASTIAN DIEGO ALEJANDRO JAVIER CARMEN LUCIA PILAR DOLORES
JAN PIETER DAAN SEM LIEKE SANNE FLEUR ERIK LARS NILS SVEN ASTRID INGRID SIGRID KARIN FREDRIK MIKKO JUHA
AINO EEVA LASZLO ISTVAN ZSOLT ZSUZSANNA GEORGIOS DIMITRIOS ELENI KONSTANTINOS ANDREEA IOANA MIHAI BOGDAN
CRISTINA STEFAN DRAGAN MILOS JELENA MARIJA TOMAS JONAS RUTA JANIS ANDRIS LIGA MART KADRI SEAN SIOBHAN AOIFE
CIARAN NIAMH YOSEF AVRAHAM SHIRA NOA QUENTIN QUINN ZACHARY ZOLTAN BOGUSLAW GRZEGORZ OSKAR OTTO IGOR ODILE
GOTTFRIED SIEGFRIED QADIRA XAVIER XENIA YVONNE YOLANDA WOJCIECH""".split()

SPECIMENS = [
    # ICAO 9303 part 4 / part 5 / part 6 example zones (fictional specimen data)
    ("TD3", ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
             "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]),
    ("TD2", ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
             "D231458907UTO7408122F1204159<<<<<<<6"]),
    ("TD1", ["I<UTOD231458907<<<<<<<<<<<<<<<",
             "7408122F1204159UTO<<<<<<<<<<<6",
             "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]),
    ("TD3", ["P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
             "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4"]),
    ("TD1", ["IDD<<T220001293<<<<<<<<<<<<<<<",
             "6408125<2010315D<<<<<<<<<<<<<4",
             "MUSTERMANN<<ERIKA<<<<<<<<<<<<<"]),
    ("TD3", ["P<GBRUK<SPECIMEN<<ANGELA<ZOE<<<<<<<<<<<<<<<<",
             "9250764733GBR8809117F2007162<<<<<<<<<<<<<<08"]),
]

FORMAT_LEN = {"TD1": 30, "TD2": 36, "TD3": 44}
FORMAT_LINES = {"TD1": 3, "TD2": 2, "TD3": 2}


def char_value(c):
    if c.isdigit():
        return ord(c) - 48
    if "A" <= c <= "Z":
        return ord(c) - 55
    return 0


def check_digit(s):
    w = (7, 3, 1)
    return str(sum(char_value(c) * w[i % 3] for i, c in enumerate(s)) % 10)


def translit(name):
    """Latin transliteration to A-Z (a simplified ICAO 9303 part 3 §6 table)."""
    special = {"Ä": "AE", "Ö": "OE", "Ü": "UE", "ß": "SS", "Æ": "AE", "Ø": "OE", "Å": "AA", "Þ": "TH",
               "Ð": "D", "Œ": "OE", "Ł": "L", "Đ": "D", "Ħ": "H", "Ŀ": "L", "Ŋ": "N", "Ŧ": "T"}
    out = []
    for ch in name.upper():
        if ch in special:
            out.append(special[ch])
            continue
        d = unicodedata.normalize("NFKD", ch)
        d = "".join(c for c in d if "A" <= c <= "Z" or c in " -<'")
        out.append(d)
    s = "".join(out).replace("'", "").replace(" ", "<").replace("-", "<")
    return s


def rand_syll_name(rng, lo=3, hi=12):
    cons = "BCDFGHJKLMNPQRSTVWXZ"
    vow = "AEIOUY"
    n = rng.randint(lo, hi)
    s = []
    while len(s) < n:
        if rng.random() < 0.55:
            s.append(rng.choice(cons))
        s.append(rng.choice(vow))
        if rng.random() < 0.3:
            s.append(rng.choice(cons))
    return "".join(s[:n])


def rand_letters(rng, lo=2, hi=14):
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(lo, hi)))


def rand_surname(rng):
    r = rng.random()
    if r < 0.6:
        s = rng.choice(SURNAMES)
    elif r < 0.85:
        s = rand_syll_name(rng)
    else:
        s = rand_letters(rng)
    # multi-part surnames: hyphenated/double, particles
    r = rng.random()
    if r < 0.12:
        s = s + "<" + rng.choice(SURNAMES)
    elif r < 0.18:
        s = rng.choice(["VAN<DER", "VAN", "DE", "DE<LA", "DI", "DEL", "VON", "AL", "EL", "BIN", "MC", "O",
                        "DOS", "DA", "LE", "LA", "TER", "TEN"]) + "<" + s
    elif r < 0.22:
        s = s + "<" + rand_syll_name(rng, 4, 14)
    return s


def rand_given(rng):
    k = rng.choices([0, 1, 2, 3, 4], weights=[3, 45, 32, 14, 6])[0]
    parts = []
    for _ in range(k):
        r = rng.random()
        parts.append(rng.choice(GIVEN) if r < 0.65 else (rand_syll_name(rng, 2, 12) if r < 0.9
                                                         else rand_letters(rng, 1, 12)))
    return "<".join(parts)


def name_field(rng, length):
    """primary<<secondary, truncated per ICAO 9303 (cut at the field end; never end in a lone '<' of a
    cut name: the field then simply ends with the last letter that fits)."""
    sur = rand_surname(rng)
    giv = rand_given(rng)
    if rng.random() < 0.08:
        # very long names to exercise truncation
        sur = sur + "<" + rand_syll_name(rng, 8, 16) + "<" + rand_syll_name(rng, 6, 14)
        giv = giv + "<" + rand_syll_name(rng, 6, 14) + "<" + rand_syll_name(rng, 6, 14)
    full = sur + ("<<" + giv if giv else "")
    if len(full) > length:
        # ICAO: truncate secondary identifiers first; if the primary alone is too long, truncate it
        if len(sur) + 3 <= length and giv:
            room = length - len(sur) - 2
            full = (sur + "<<" + giv)[:len(sur) + 2 + room]
        else:
            full = full[:length]
        full = full.rstrip("<") if full.endswith("<") and not full.endswith("<<") else full
        full = full.rstrip("<") if full.endswith("<<") else full
    return (full + "<" * length)[:length]


CONFUSABLE = "O0I1S5B8Z2G6QDU"


def rand_docnum(rng, length=9):
    r = rng.random()
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    if r < 0.3:
        n = rng.randint(6, length)
        s = "".join(rng.choice("0123456789") for _ in range(n))
    elif r < 0.55:
        n = rng.randint(6, length)
        s = "".join(rng.choice(alnum) for _ in range(n))
    elif r < 0.8:
        # letters then digits, confusable-heavy
        a = rng.randint(1, 3)
        s = "".join(rng.choice(alnum if rng.random() < 0.3 else "OISBZGQDCLTX") for _ in range(a))
        s += "".join(rng.choice("0123456789" if rng.random() < 0.6 else CONFUSABLE) for _ in range(length - a))
    else:
        s = "".join(rng.choice(CONFUSABLE) for _ in range(rng.randint(7, length)))
    return s[:length]


def rand_date(rng, kind):
    """YYMMDD. kind: dob (1900-2025) or exp (1990-2045). Occasionally unknown parts (<<)."""
    if kind == "dob":
        y = rng.randint(1900, 2025)
    else:
        y = rng.randint(1985, 2045)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28 if m == 2 else 30)
    s = "%02d%02d%02d" % (y % 100, m, d)
    if kind == "dob" and rng.random() < 0.02:
        s = s[:2] + "<<<<" if rng.random() < 0.5 else s[:4] + "<<"
    return s


def rand_country(rng):
    r = rng.random()
    if r < 0.45:
        return rng.choice(COMMON)
    if r < 0.9:
        return rng.choice(COUNTRIES)
    return rng.choice(ICAO_SPECIAL)


def rand_sex(rng):
    return rng.choices(["M", "F", "<", "X"], weights=[45, 45, 8, 2])[0]


def rand_optional(rng, length):
    r = rng.random()
    if r < 0.45:
        return "<" * length
    n = rng.randint(1, length)
    kind = rng.random()
    if kind < 0.5:
        s = "".join(rng.choice("0123456789") for _ in range(n))
    elif kind < 0.8:
        s = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(n))
    else:
        s = "".join(rng.choice("0123456789<" if rng.random() < 0.6 else CONFUSABLE) for _ in range(n))
    return (s + "<" * length)[:length]


def doc_code(rng, fmt):
    if fmt == "TD3":
        return rng.choices(["P<", "PA", "PD", "PO", "PS", "PM", "PE"], weights=[70, 5, 8, 5, 5, 4, 3])[0]
    if fmt == "TD2":
        return rng.choices(["I<", "ID", "IR", "IP", "AC", "V<", "VA", "C<"], weights=[35, 20, 15, 5, 5, 10, 5, 5])[0]
    return rng.choices(["I<", "ID", "IR", "IP", "IT", "AC", "A<", "C<", "IO"], weights=[40, 25, 10, 5, 5, 5, 4, 3, 3])[0]


def make_td3(rng):
    code = doc_code(rng, "TD3")
    iss = rand_country(rng)
    nat = iss if rng.random() < 0.8 else rand_country(rng)
    l1 = code + iss + name_field(rng, 39)
    dn = (rand_docnum(rng, 9) + "<" * 9)[:9]
    dob = rand_date(rng, "dob")
    exp = rand_date(rng, "exp")
    pn = rand_optional(rng, 14)
    pn_cd = check_digit(pn)
    if pn == "<" * 14 and rng.random() < 0.5:
        pn_cd = "<"
    a = dn + check_digit(dn)
    b = dob + check_digit(dob)
    c = exp + check_digit(exp)
    d = pn + pn_cd
    comp = check_digit(a + b + c + d)
    l2 = a + nat + b + rand_sex(rng) + c + d + comp
    return [l1, l2]


def make_td2(rng):
    code = doc_code(rng, "TD2")
    iss = rand_country(rng)
    nat = iss if rng.random() < 0.8 else rand_country(rng)
    l1 = code + iss + name_field(rng, 31)
    dn_full = rand_docnum(rng, 12 if rng.random() < 0.08 else 9)
    opt = rand_optional(rng, 7)
    if len(dn_full) > 9:
        dn = dn_full[:9]
        extra = dn_full[9:] + check_digit(dn_full)
        a = dn + "<"
        opt = (extra + "<" + opt)[:7]
    else:
        dn = (dn_full + "<" * 9)[:9]
        a = dn + check_digit(dn)
    dob = rand_date(rng, "dob")
    exp = rand_date(rng, "exp")
    b = dob + check_digit(dob)
    c = exp + check_digit(exp)
    comp = check_digit(a + b + c + opt)
    l2 = a + nat + b + rand_sex(rng) + c + opt + comp
    return [l1, l2]


def make_td1(rng):
    code = doc_code(rng, "TD1")
    iss = rand_country(rng)
    nat = iss if rng.random() < 0.8 else rand_country(rng)
    dn_full = rand_docnum(rng, rng.randint(10, 14) if rng.random() < 0.12 else 9)
    opt1 = rand_optional(rng, 15)
    if len(dn_full) > 9:
        # ICAO 9303-5 §4.2.4 note j: long document number continues in the optional data
        dn = dn_full[:9]
        f1 = dn + "<" + (dn_full[9:] + check_digit(dn_full) + "<" + opt1)[:15]
    else:
        dn = (dn_full + "<" * 9)[:9]
        f1 = dn + check_digit(dn) + opt1
    l1 = code + iss + f1
    dob = rand_date(rng, "dob")
    exp = rand_date(rng, "exp")
    opt2 = rand_optional(rng, 11)
    b = dob + check_digit(dob)
    c = exp + check_digit(exp)
    l2 = b + rand_sex(rng) + c + nat + opt2
    # composite: line1 pos 6-30, line2 pos 1-7, 9-15, 19-29
    comp = check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    l2 = l2 + comp
    l3 = name_field(rng, 30)
    return [l1, l2, l3]


def make_random_lines(rng, fmt):
    """Unstructured lines with the right length: letters/digits/filler runs, to avoid a pure language model."""
    L = FORMAT_LEN[fmt]
    out = []
    for _ in range(FORMAT_LINES[fmt]):
        s = []
        while len(s) < L:
            r = rng.random()
            if r < 0.25:
                s += ["<"] * rng.randint(1, 20)
            elif r < 0.5:
                s += [rng.choice(CONFUSABLE) for _ in range(rng.randint(1, 8))]
            else:
                s += [rng.choice(ALPHABET[1:]) for _ in range(rng.randint(1, 8))]
        out.append("".join(s[:L]))
    return out


def make_zone(rng, fmt=None, random_p=0.06, specimen_p=0.01):
    if rng.random() < specimen_p:
        return rng.choice(SPECIMENS)
    if fmt is None:
        fmt = rng.choice(["TD1", "TD2", "TD3"])
    if rng.random() < random_p:
        return fmt, make_random_lines(rng, fmt)
    return fmt, {"TD1": make_td1, "TD2": make_td2, "TD3": make_td3}[fmt](rng)


def validate(fmt, lines):
    """Checks the check digits of a zone (used by the self-test)."""
    if fmt == "TD3":
        l2 = lines[1]
        ok = [check_digit(l2[0:9]) == l2[9], check_digit(l2[13:19]) == l2[19], check_digit(l2[21:27]) == l2[27],
              check_digit(l2[0:10] + l2[13:20] + l2[21:43]) == l2[43]]
        ok.append(l2[42] == check_digit(l2[28:42]) or (l2[28:43] == "<" * 15))
        return all(ok)
    if fmt == "TD2":
        l2 = lines[1]
        ok = [l2[9] == "<" or check_digit(l2[0:9]) == l2[9], check_digit(l2[13:19]) == l2[19],
              check_digit(l2[21:27]) == l2[27], check_digit(l2[0:10] + l2[13:20] + l2[21:35]) == l2[35]]
        return all(ok)
    l1, l2 = lines[0], lines[1]
    ok = [l1[14] == "<" or check_digit(l1[5:14]) == l1[14], check_digit(l2[0:6]) == l2[6],
          check_digit(l2[8:14]) == l2[14], check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]) == l2[29]]
    return all(ok)


if __name__ == "__main__":
    rng = random.Random(1)
    for fmt, lines in SPECIMENS:
        assert all(len(l) == FORMAT_LEN[fmt] for l in lines), lines
        print(fmt, validate(fmt, lines), lines)
    n = 0
    for i in range(20000):
        fmt, lines = make_zone(rng, random_p=0, specimen_p=0)
        assert all(len(l) == FORMAT_LEN[fmt] and set(l) <= set(ALPHABET) for l in lines), lines
        assert validate(fmt, lines), (fmt, lines)
        n += 1
    rng = random.Random(2)
    for i in range(6):
        print(make_zone(rng))
    print("ok", n)
