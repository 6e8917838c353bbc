# Hostowany proces weryfikacji kycd — polski (brakujące teksty są pobierane z wersji angielskiej).
# Parametry: { $partner } nazwa partnera, { $minutes } pozostałe minuty, { $count } liczba.

lang-name = Polski
page-title = Weryfikacja tożsamości
skip-to-content = Przejdź do treści
verifying-for = Weryfikacja dla: { $partner }
time-left = { $minutes ->
    [one] Została { $minutes } minuta
    [few] Zostały { $minutes } minuty
    [many] Zostało { $minutes } minut
   *[other] Zostało { $minutes } minuty
}
language = Język
cancel = Anuluj weryfikację
continue = Dalej
back = Wstecz

start-heading = Potwierdź swoją tożsamość
start-intro = { $partner } prosi o potwierdzenie tożsamości. Zajmie to około dwóch minut.
start-need = Potrzebne będą:
start-need-document = dokument tożsamości (paszport, dowód osobisty, karta pobytu lub prawo jazdy)
start-need-selfie = kamera do zrobienia zdjęcia twarzy
start-need-light = dobre oświetlenie, bez odblasków na dokumencie
start-privacy = Zdjęcia są przesyłane wyłącznie do usługi weryfikacyjnej partnera { $partner } i przechowywane w postaci zaszyfrowanej.
start-button = Rozpocznij

choose-heading = Wybierz dokument
choose-country = Kraj wydania
choose-country-any = Wybierz kraj
choose-document = Rodzaj dokumentu
doc-ID_CARD = Dowód osobisty
doc-PASSPORT = Paszport
doc-RESIDENCE_PERMIT = Karta pobytu
doc-DRIVER_LICENSE = Prawo jazdy
doc-OTHER = Inny dokument
doc-generic = { $code }

step-of = Krok { $step } z { $total }
capture-FRONT-heading = Przód dokumentu
capture-FRONT-PASSPORT-heading = Strona paszportu ze zdjęciem
capture-BACK-heading = Tył dokumentu
capture-FACE-heading = Zdjęcie twarzy
capture-document-hint = Połóż dokument płasko w ramce tak, aby widoczne były wszystkie cztery rogi i nie było odblasków.
capture-face-hint = Patrz prosto w kamerę. Twarz powinna znajdować się w owalu i nie może być niczym zasłonięta.
capture-camera-start = Użyj kamery
capture-button = Zrób zdjęcie
capture-retake = Powtórz
capture-use = Użyj tego zdjęcia
capture-upload-label = Lub wybierz zdjęcie z tego urządzenia
capture-upload-button = Prześlij zdjęcie
capture-camera-unavailable = Nie można tu użyć kamery. Zamiast tego wybierz zdjęcie z tego urządzenia.
capture-camera-denied = Odmówiono dostępu do kamery. Możesz na niego zezwolić w ustawieniach przeglądarki lub wybrać zdjęcie z tego urządzenia.
capture-preview = Twoje zdjęcie

problem-heading = Zrób to zdjęcie ponownie
problem-too-small = Zdjęcie jest za małe. Podejdź bliżej lub użyj lepszego aparatu.
problem-blurry = Zdjęcie jest nieostre. Trzymaj aparat nieruchomo i upewnij się, że dokument jest ostry.
problem-glare = Na zdjęciu widać odblaski. Przechyl dokument lub odsuń się od bezpośredniego światła.
problem-unreadable = Tego pliku nie można użyć. Prześlij zdjęcie w formacie JPEG, PNG lub WebP o rozmiarze do 2 MB.
problem-missing = Dodaj zdjęcie, aby kontynuować.

review-heading = Sprawdź zdjęcia
review-intro = Upewnij się, że każde zdjęcie jest ostre, a cały dokument jest widoczny.
review-submit = Wyślij do weryfikacji
review-retake = Powtórz zdjęcie: { $side }
side-FRONT = przód
side-BACK = tył
side-FACE = selfie

waiting-heading = Sprawdzamy dokument
waiting-body = Zwykle trwa to mniej niż minutę. Nie zamykaj tej strony.

result-APPROVED-heading = Weryfikacja zakończona pomyślnie
result-APPROVED-body = Twoja tożsamość została potwierdzona.
result-FAILED-heading = Weryfikacja nie powiodła się
result-FAILED-body = Nie udało się potwierdzić Twojej tożsamości.
result-WAITING-heading = Dziękujemy, weryfikacja została przesłana
result-WAITING-body = Sprawdzi ją specjalista. Partner { $partner } zostanie poinformowany o wyniku.
result-UNVERIFIED-heading = Weryfikacja nie została ukończona
result-UNVERIFIED-body = Weryfikacja została anulowana lub nie została ukończona na czas.
result-continue = Przejdź do serwisu { $partner }

cancel-heading = Anulować weryfikację?
cancel-body = Zdjęcia nie zostaną sprawdzone, a ten link przestanie działać.
cancel-confirm = Tak, anuluj
cancel-keep = Nie, kontynuuj weryfikację

invalid-heading = Ten link jest już nieważny
invalid-body = Link weryfikacyjny jest nieznany, został już użyty lub wygasł. Poproś o nowy link tam, gdzie rozpoczęła się weryfikacja.

sandbox-heading = Panel testowy (tylko sandbox)
sandbox-body = Ten partner działa w środowisku DEV. Zakończ weryfikację z wybranym wynikiem, bez prawdziwych dokumentów.

retry-heading = Spróbuj ponownie
retry-attempts-left = { $left ->
    [one] Masz jeszcze jedną próbę.
    [few] Masz jeszcze { $left } próby.
    [many] Masz jeszcze { $left } prób.
   *[other] Masz jeszcze { $left } próby.
}
retry-button = Spróbuj ponownie
reason-expired = Dokument stracił ważność. Użyj ważnego dokumentu.
reason-unreadable = Nie udało się odczytać strefy odczytu maszynowego (wierszy liter i znaków <<< na dokumencie). Sfotografuj cały dokument leżący płasko, tak aby był ostry.
reason-blurry = Zdjęcie dokumentu było nieostre. Trzymaj aparat nieruchomo i upewnij się, że dokument jest ostry.
reason-glare = Na dokumencie były odblaski. Przechyl go lub odsuń się od bezpośredniego światła.
reason-mismatch = Dokument nie zgadza się z wybranym rodzajem dokumentu lub krajem.
reason-invalid = Dane dokumentu nie przeszły kontroli poprawności. Użyj innego dokumentu.
reason-other = Nie udało się zweryfikować dokumentu. Zrób zdjęcia ponownie.

handoff-link = Użyj telefonu
handoff-heading = Kontynuuj na telefonie
handoff-body = Zeskanuj ten kod aparatem telefonu lub otwórz poniższy link na telefonie. Ta strona na bieżąco śledzi postęp i pokaże wynik, gdy skończysz.
handoff-copy = Link dla telefonu

check-again = Sprawdź ponownie

problem-too-many = W krótkim czasie przesłano zbyt wiele zdjęć. Odczekaj kilka minut i spróbuj ponownie.

problem-no-document = Na zdjęciu nie widać dokumentu. Połóż cały dokument w ramce, na jednolitym tle.
problem-no-face = Na zdjęciu nie widać twarzy. Patrz prosto w aparat, tak aby cała twarz była w ramce i dobrze oświetlona.

# Hand-off by short link or typed code ({ $link } is "host/h").
handoff-short-intro = Nie możesz zeskanować kodu QR? Na telefonie otwórz ten krótki link:
handoff-code-intro = Albo otwórz { $link } i wpisz ten kod:
handoff-code-valid = { $minutes ->
    [one] Link i kod działają jeden raz, przez { $minutes } minutę.
    [few] Link i kod działają jeden raz, przez { $minutes } minuty.
    [many] Link i kod działają jeden raz, przez { $minutes } minut.
   *[other] Link i kod działają jeden raz, przez { $minutes } minuty.
}
code-heading = Kontynuuj na tym telefonie
code-label = Kod widoczny na drugim ekranie
code-invalid = Ten kod nie działa. Może został źle wpisany, już użyty lub wygasł: sprawdź go albo otwórz ponownie stronę z kodem QR, aby dostać nowy.
code-too-many = Przed chwilą wypróbowano zbyt wiele kodów. Poczekaj minutę i spróbuj ponownie.
