# kycd talpinamas tapatybės patvirtinimo procesas — lietuvių kalba (trūkstami tekstai imami iš angliško pagrindinio failo).
# Kintamieji: { $partner } partnerio pavadinimas, { $minutes } likusios minutės, { $count } skaičius.

lang-name = Lietuvių
page-title = Tapatybės patvirtinimas
skip-to-content = Pereiti prie turinio
verifying-for = Tapatybės patvirtinimo prašo { $partner }
time-left = { $minutes ->
    [one] Liko { $minutes } minutė
    [few] Liko { $minutes } minutės
    [many] Liko { $minutes } minutės
   *[other] Liko { $minutes } minučių
}
language = Kalba
cancel = Atšaukti patvirtinimą
continue = Tęsti
back = Atgal

start-heading = Patvirtinkite savo tapatybę
start-intro = { $partner } prašo patvirtinti jūsų tapatybę. Tai užtruks apie dvi minutes.
start-need = Jums reikės:
start-need-document = asmens tapatybės dokumento (paso, asmens tapatybės kortelės, leidimo gyventi arba vairuotojo pažymėjimo)
start-need-selfie = kameros veidui nufotografuoti
start-need-light = gero apšvietimo, kad ant dokumento nebūtų atspindžių
start-privacy = Jūsų nuotraukos siunčiamos tik partnerio „{ $partner }“ tapatybės tikrinimo paslaugai ir saugomos užšifruotos.
start-button = Pradėti

choose-heading = Pasirinkite dokumentą
choose-country = Išdavusi šalis
choose-country-any = Pasirinkite šalį
choose-document = Dokumento rūšis
doc-ID_CARD = Asmens tapatybės kortelė
doc-PASSPORT = Pasas
doc-RESIDENCE_PERMIT = Leidimas gyventi
doc-DRIVER_LICENSE = Vairuotojo pažymėjimas
doc-OTHER = Kitas dokumentas
doc-generic = { $code }

step-of = Žingsnis { $step } iš { $total }
capture-FRONT-heading = Dokumento priekinė pusė
capture-FRONT-PASSPORT-heading = Paso puslapis su nuotrauka
capture-BACK-heading = Dokumento galinė pusė
capture-FACE-heading = Jūsų veido nuotrauka
capture-document-hint = Padėkite dokumentą lygiai rėmelyje, kad matytųsi visi keturi kampai ir nebūtų atspindžių.
capture-face-hint = Žiūrėkite tiesiai į kamerą. Veidas turi būti ovale ir niekuo neuždengtas.
capture-camera-start = Naudoti kamerą
capture-button = Fotografuoti
capture-retake = Fotografuoti iš naujo
capture-use = Naudoti šią nuotrauką
capture-upload-label = Arba pasirinkite nuotrauką iš šio įrenginio
capture-upload-button = Įkelti nuotrauką
capture-camera-unavailable = Kameros čia naudoti negalima. Pasirinkite nuotrauką iš šio įrenginio.
capture-camera-denied = Prieiga prie kameros neleista. Ją galite leisti naršyklės nustatymuose arba pasirinkti nuotrauką iš šio įrenginio.
capture-preview = Jūsų nuotrauka

problem-heading = Nufotografuokite dar kartą
problem-too-small = Nuotrauka per maža. Prieikite arčiau arba naudokite geresnę kamerą.
problem-blurry = Nuotrauka neryški. Laikykite kamerą nejudindami ir įsitikinkite, kad dokumentas ryškus.
problem-glare = Nuotraukoje matyti atspindžių. Pakreipkite dokumentą arba pasitraukite nuo tiesioginės šviesos.
problem-unreadable = Šio failo naudoti negalima. Atsiųskite JPEG, PNG arba WebP nuotrauką iki 2 MB.
problem-missing = Prieš tęsdami pridėkite nuotrauką.

review-heading = Patikrinkite nuotraukas
review-intro = Įsitikinkite, kad visos nuotraukos ryškios ir matomas visas dokumentas.
review-submit = Pateikti tikrinti
review-retake = Fotografuoti iš naujo: { $side }
side-FRONT = priekinė pusė
side-BACK = galinė pusė
side-FACE = asmenukė

waiting-heading = Tikriname jūsų dokumentą
waiting-body = Paprastai tai užtrunka mažiau nei minutę. Neuždarykite šio puslapio.

result-APPROVED-heading = Patvirtinimas sėkmingas
result-APPROVED-body = Jūsų tapatybė patvirtinta.
result-FAILED-heading = Tapatybės patvirtinti nepavyko
result-FAILED-body = Mums nepavyko patvirtinti jūsų tapatybės.
result-WAITING-heading = Ačiū, jūsų patvirtinimo užklausa pateikta
result-WAITING-body = Ją peržiūrės specialistas. Apie rezultatą bus pranešta partneriui „{ $partner }“.
result-UNVERIFIED-heading = Patvirtinimas neužbaigtas
result-UNVERIFIED-body = Patvirtinimas buvo atšauktas arba neužbaigtas laiku.
result-continue = Tęsti: { $partner }

cancel-heading = Atšaukti patvirtinimą?
cancel-body = Jūsų nuotraukos nebus tikrinamos, o ši nuoroda nebeveiks.
cancel-confirm = Taip, atšaukti
cancel-keep = Ne, tęsti patvirtinimą

invalid-heading = Ši nuoroda nebegalioja
invalid-body = Patvirtinimo nuoroda nežinoma, jau panaudota arba nebegalioja. Naujos nuorodos paprašykite ten, kur pradėjote.

sandbox-heading = Testavimo skydelis (tik „sandbox“ aplinkoje)
sandbox-body = Šis partneris veikia DEV aplinkoje. Užbaikite patvirtinimą pasirinktu rezultatu, nenaudodami tikrų dokumentų.

retry-heading = Bandykite dar kartą
retry-attempts-left = { $left ->
    [one] Jums liko dar { $left } bandymas.
    [few] Jums liko dar { $left } bandymai.
    [many] Jums liko dar { $left } bandymo.
   *[other] Jums liko dar { $left } bandymų.
}
retry-button = Bandyti dar kartą
reason-expired = Dokumento galiojimo laikas pasibaigęs. Naudokite galiojantį dokumentą.
reason-unreadable = Mums nepavyko nuskaityti mašininio nuskaitymo zonos (dokumente esančių eilučių su raidėmis ir <<<). Nufotografuokite visą dokumentą, padėtą lygiai, kad nuotrauka būtų ryški.
reason-blurry = Dokumento nuotrauka buvo neryški. Laikykite kamerą nejudindami ir įsitikinkite, kad dokumentas ryškus.
reason-glare = Ant dokumento buvo atspindžių. Pakreipkite jį arba pasitraukite nuo tiesioginės šviesos.
reason-mismatch = Dokumentas neatitinka jūsų pasirinktos dokumento rūšies arba šalies.
reason-invalid = Dokumento duomenų patikra nepavyko. Naudokite kitą dokumentą.
reason-other = Mums nepavyko patikrinti dokumento. Nufotografuokite dar kartą.

handoff-link = Naudoti telefoną
handoff-heading = Tęskite telefone
handoff-body = Nuskenuokite šį kodą telefono kamera arba atidarykite toliau pateiktą nuorodą telefone. Šis puslapis atnaujinamas ir parodys rezultatą, kai baigsite.
handoff-copy = Nuoroda jūsų telefonui

check-again = Patikrinti dar kartą

problem-too-many = Per trumpą laiką atsiųsta per daug nuotraukų. Palaukite kelias minutes ir bandykite dar kartą.

problem-no-document = Nuotraukoje nesimato dokumento. Padėkite dokumentą ant vienspalvio fono taip, kad jis visas tilptų rėmelyje.
problem-no-face = Nuotraukoje nematyti veido. Žiūrėkite tiesiai į kamerą, kad visas veidas būtų rėmelyje ir gerai apšviestas.

# Hand-off by short link or typed code ({ $link } is "host/h").
handoff-short-intro = Negalite nuskenuoti QR kodo? Telefone atidarykite šią trumpą nuorodą:
handoff-code-intro = Arba atidarykite { $link } ir įveskite šį kodą:
handoff-code-valid = { $minutes ->
    [one] Nuoroda ir kodas veikia vieną kartą, dar { $minutes } minutę.
    [few] Nuoroda ir kodas veikia vieną kartą, dar { $minutes } minutes.
    [many] Nuoroda ir kodas veikia vieną kartą, dar { $minutes } minutės.
   *[other] Nuoroda ir kodas veikia vieną kartą, dar { $minutes } minučių.
}
code-heading = Tęskite šiame telefone
code-label = Kodas, rodomas kitame ekrane
code-invalid = Šis kodas neveikia. Galbūt jis įvestas su klaida, jau panaudotas arba nebegalioja: patikrinkite jį arba dar kartą atidarykite puslapį su QR kodu ir gaukite naują.
code-too-many = Ką tik išbandyta per daug kodų. Palaukite minutę ir bandykite dar kartą.
