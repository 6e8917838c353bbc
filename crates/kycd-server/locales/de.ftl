# kycd gehosteter Verifizierungsablauf — Deutsch (fehlende Texte werden aus der englischen Referenz übernommen).
# Platzhalter: { $partner } Name des Partners, { $minutes } verbleibende Minuten, { $count } eine Zahl.

lang-name = Deutsch
page-title = Identitätsprüfung
skip-to-content = Zum Inhalt springen
verifying-for = Verifizierung für { $partner }
time-left = { $minutes ->
    [one] Noch { $minutes } Minute
   *[other] Noch { $minutes } Minuten
}
language = Sprache
cancel = Verifizierung abbrechen
continue = Weiter
back = Zurück

start-heading = Bestätigen Sie Ihre Identität
start-intro = { $partner } bittet Sie, Ihre Identität zu bestätigen. Das dauert etwa zwei Minuten.
start-need = Sie benötigen:
start-need-document = Ihr Ausweisdokument (Reisepass, Personalausweis, Aufenthaltstitel oder Führerschein)
start-need-selfie = eine Kamera für ein Foto Ihres Gesichts
start-need-light = gutes Licht, ohne Spiegelungen auf dem Dokument
start-privacy = Ihre Fotos werden ausschließlich an den Verifizierungsdienst von { $partner } übermittelt und verschlüsselt gespeichert.
start-button = Starten

choose-heading = Wählen Sie Ihr Dokument
choose-country = Ausstellungsland
choose-country-any = Land auswählen
choose-document = Dokumentart
doc-ID_CARD = Personalausweis
doc-PASSPORT = Reisepass
doc-RESIDENCE_PERMIT = Aufenthaltstitel
doc-DRIVER_LICENSE = Führerschein
doc-OTHER = Anderes Dokument
doc-generic = { $code }

step-of = Schritt { $step } von { $total }
capture-FRONT-heading = Vorderseite Ihres Dokuments
capture-FRONT-PASSPORT-heading = Datenseite Ihres Reisepasses
capture-BACK-heading = Rückseite Ihres Dokuments
capture-FACE-heading = Ein Foto Ihres Gesichts
capture-document-hint = Legen Sie das Dokument flach in den Rahmen, sodass alle vier Ecken sichtbar sind und nichts spiegelt.
capture-face-hint = Schauen Sie direkt in die Kamera. Ihr Gesicht sollte sich im Oval befinden und nicht verdeckt sein.
capture-camera-start = Kamera verwenden
capture-button = Foto aufnehmen
capture-retake = Neu aufnehmen
capture-use = Dieses Foto verwenden
capture-upload-label = Oder wählen Sie ein Foto von diesem Gerät
capture-upload-button = Foto hochladen
capture-camera-unavailable = Die Kamera kann hier nicht verwendet werden. Bitte wählen Sie stattdessen ein Foto von diesem Gerät.
capture-camera-denied = Der Kamerazugriff wurde verweigert. Sie können ihn in Ihren Browsereinstellungen erlauben oder ein Foto von diesem Gerät wählen.
capture-preview = Ihr Foto

problem-heading = Bitte nehmen Sie dieses Foto erneut auf
problem-too-small = Das Foto ist zu klein. Gehen Sie näher heran oder verwenden Sie eine bessere Kamera.
problem-blurry = Das Foto ist unscharf. Halten Sie die Kamera ruhig und achten Sie darauf, dass das Dokument scharf ist.
problem-glare = Auf dem Foto sind Spiegelungen zu sehen. Neigen Sie das Dokument oder meiden Sie direktes Licht.
problem-unreadable = Diese Datei kann nicht verwendet werden. Bitte senden Sie ein Foto im Format JPEG, PNG oder WebP mit höchstens 2 MB.
problem-missing = Bitte fügen Sie ein Foto hinzu, bevor Sie fortfahren.

review-heading = Prüfen Sie Ihre Fotos
review-intro = Achten Sie darauf, dass jedes Foto scharf und das gesamte Dokument sichtbar ist.
review-submit = Zur Prüfung absenden
review-retake = { $side } neu aufnehmen
side-FRONT = Vorderseite
side-BACK = Rückseite
side-FACE = Selfie

waiting-heading = Ihr Dokument wird geprüft
waiting-body = Das dauert in der Regel weniger als eine Minute. Bitte lassen Sie diese Seite geöffnet.

result-APPROVED-heading = Verifizierung erfolgreich
result-APPROVED-body = Ihre Identität wurde bestätigt.
result-FAILED-heading = Ihre Verifizierung war nicht erfolgreich
result-FAILED-body = Wir konnten Ihre Identität nicht bestätigen.
result-WAITING-heading = Vielen Dank, Ihre Verifizierung wurde übermittelt
result-WAITING-body = Sie wird von einer Fachkraft geprüft. { $partner } wird über das Ergebnis informiert.
result-UNVERIFIED-heading = Verifizierung nicht abgeschlossen
result-UNVERIFIED-body = Die Verifizierung wurde abgebrochen oder nicht rechtzeitig abgeschlossen.
result-continue = Weiter zu { $partner }

cancel-heading = Verifizierung abbrechen?
cancel-body = Ihre Fotos werden nicht geprüft, und dieser Link wird ungültig.
cancel-confirm = Ja, abbrechen
cancel-keep = Nein, Verifizierung fortsetzen

invalid-heading = Dieser Link ist nicht mehr gültig
invalid-body = Der Verifizierungslink ist unbekannt, wurde bereits verwendet oder ist abgelaufen. Bitte fordern Sie dort, wo Sie begonnen haben, einen neuen Link an.

sandbox-heading = Testbereich (nur Sandbox)
sandbox-body = Dieser Partner befindet sich in der DEV-Umgebung. Schließen Sie die Verifizierung mit einem gewählten Ergebnis ab, ohne echte Dokumente.

retry-heading = Bitte versuchen Sie es erneut
retry-attempts-left = { $left ->
    [one] Sie haben noch einen Versuch.
   *[other] Sie haben noch { $left } Versuche.
}
retry-button = Erneut versuchen
reason-expired = Das Dokument ist abgelaufen. Bitte verwenden Sie ein gültiges Dokument.
reason-unreadable = Die maschinenlesbare Zone (die Zeilen aus Buchstaben und <<< auf dem Dokument) konnte nicht gelesen werden. Fotografieren Sie das gesamte Dokument flach liegend und scharf.
reason-blurry = Das Foto des Dokuments war unscharf. Halten Sie die Kamera ruhig und achten Sie darauf, dass das Dokument scharf ist.
reason-glare = Auf dem Dokument waren Spiegelungen zu sehen. Neigen Sie es oder meiden Sie direktes Licht.
reason-mismatch = Das Dokument entspricht nicht der gewählten Dokumentart oder dem gewählten Land.
reason-invalid = Die Daten des Dokuments haben die Prüfung nicht bestanden. Bitte verwenden Sie ein anderes Dokument.
reason-other = Wir konnten das Dokument nicht verifizieren. Bitte nehmen Sie die Fotos erneut auf.

handoff-link = Stattdessen Ihr Smartphone verwenden
handoff-heading = Auf dem Smartphone fortfahren
handoff-body = Scannen Sie diesen Code mit der Kamera Ihres Smartphones oder öffnen Sie den folgenden Link auf Ihrem Smartphone. Diese Seite wird laufend aktualisiert und zeigt das Ergebnis an, sobald Sie fertig sind.
handoff-copy = Link für Ihr Smartphone

check-again = Erneut prüfen

problem-too-many = In kurzer Zeit wurden zu viele Fotos gesendet. Bitte warten Sie einige Minuten und versuchen Sie es erneut.

problem-no-document = Auf dem Foto ist kein Dokument zu erkennen. Legen Sie das gesamte Dokument auf einem einfarbigen Untergrund in den Rahmen.
problem-no-face = Auf dem Foto ist kein Gesicht zu erkennen. Schauen Sie direkt in die Kamera, mit dem ganzen Gesicht im Rahmen und bei gutem Licht.

# Hand-off by short link or typed code ({ $link } is "host/h").
handoff-short-intro = Kein QR-Code-Leser? Öffnen Sie auf Ihrem Smartphone diesen kurzen Link:
handoff-code-intro = Oder öffnen Sie { $link } und geben Sie diesen Code ein:
handoff-code-valid = { $minutes ->
    [one] Link und Code funktionieren einmal, innerhalb der nächsten Minute.
   *[other] Link und Code funktionieren einmal, innerhalb der nächsten { $minutes } Minuten.
}
code-heading = Auf diesem Smartphone fortfahren
code-label = Der Code auf Ihrem anderen Bildschirm
code-invalid = Dieser Code funktioniert nicht. Er ist vielleicht falsch eingegeben, schon benutzt oder abgelaufen: Prüfen Sie ihn oder öffnen Sie die Seite mit dem QR-Code erneut, um einen neuen zu erhalten.
code-too-many = Gerade wurden zu viele Codes ausprobiert. Bitte warten Sie eine Minute und versuchen Sie es erneut.
