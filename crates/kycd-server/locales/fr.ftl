# Parcours de vérification hébergé kycd — français (les textes manquants sont repris de la référence anglaise).
# Paramètres : { $partner } nom du partenaire, { $minutes } minutes restantes, { $count } un nombre.

lang-name = Français
page-title = Vérification d'identité
skip-to-content = Aller au contenu
verifying-for = Vérification pour { $partner }
time-left = { $minutes ->
    [one] Il reste { $minutes } minute
   *[other] Il reste { $minutes } minutes
}
language = Langue
cancel = Annuler la vérification
continue = Continuer
back = Retour

start-heading = Vérifiez votre identité
start-intro = { $partner } vous demande de confirmer votre identité. Cela prend environ deux minutes.
start-need = Ce dont vous aurez besoin :
start-need-document = votre pièce d'identité (passeport, carte d'identité, titre de séjour ou permis de conduire)
start-need-selfie = une caméra pour prendre une photo de votre visage
start-need-light = un bon éclairage, sans reflets sur le document
start-privacy = Vos photos sont transmises uniquement au service de vérification de { $partner } et conservées sous forme chiffrée.
start-button = Commencer

choose-heading = Choisissez votre document
choose-country = Pays de délivrance
choose-country-any = Sélectionnez un pays
choose-document = Type de document
doc-ID_CARD = Carte d'identité
doc-PASSPORT = Passeport
doc-RESIDENCE_PERMIT = Titre de séjour
doc-DRIVER_LICENSE = Permis de conduire
doc-OTHER = Autre document
doc-generic = { $code }

step-of = Étape { $step } sur { $total }
capture-FRONT-heading = Recto de votre document
capture-FRONT-PASSPORT-heading = Page photo de votre passeport
capture-BACK-heading = Verso de votre document
capture-FACE-heading = Une photo de votre visage
capture-document-hint = Posez le document à plat dans le cadre, les quatre coins visibles et sans reflet.
capture-face-hint = Regardez droit vers la caméra, le visage dans l'ovale et entièrement dégagé.
capture-camera-start = Utiliser la caméra
capture-button = Prendre la photo
capture-retake = Reprendre
capture-use = Utiliser cette photo
capture-upload-label = Ou choisissez une photo sur cet appareil
capture-upload-button = Importer une photo
capture-camera-unavailable = La caméra ne peut pas être utilisée ici. Veuillez plutôt choisir une photo sur cet appareil.
capture-camera-denied = L'accès à la caméra a été refusé. Vous pouvez l'autoriser dans les paramètres de votre navigateur ou choisir une photo sur cet appareil.
capture-preview = Votre photo

problem-heading = Veuillez reprendre cette photo
problem-too-small = La photo est trop petite. Rapprochez-vous ou utilisez un meilleur appareil photo.
problem-blurry = La photo est floue. Tenez l'appareil immobile et vérifiez que le document est net.
problem-glare = La photo présente des reflets. Inclinez le document ou éloignez-vous de la lumière directe.
problem-unreadable = Ce fichier ne peut pas être utilisé. Veuillez envoyer une photo JPEG, PNG ou WebP de 2 Mo maximum.
problem-missing = Veuillez ajouter une photo avant de continuer.

review-heading = Vérifiez vos photos
review-intro = Assurez-vous que chaque photo est nette et que le document est entièrement visible.
review-submit = Envoyer pour vérification
review-retake = Reprendre le { $side }
side-FRONT = recto
side-BACK = verso
side-FACE = selfie

waiting-heading = Vérification de votre document
waiting-body = Cela prend généralement moins d'une minute. Veuillez garder cette page ouverte.

result-APPROVED-heading = Vérification réussie
result-APPROVED-body = Votre identité a été confirmée.
result-FAILED-heading = Votre vérification n'a pas abouti
result-FAILED-body = Nous n'avons pas pu confirmer votre identité.
result-WAITING-heading = Merci, votre vérification a été envoyée
result-WAITING-body = Un spécialiste va l'examiner. Le résultat sera communiqué à { $partner }.
result-UNVERIFIED-heading = Vérification non terminée
result-UNVERIFIED-body = La vérification a été annulée ou n'a pas été terminée à temps.
result-continue = Continuer vers { $partner }

cancel-heading = Annuler la vérification ?
cancel-body = Vos photos ne seront pas vérifiées et ce lien ne fonctionnera plus.
cancel-confirm = Oui, annuler
cancel-keep = Non, poursuivre la vérification

invalid-heading = Ce lien n'est plus valide
invalid-body = Ce lien de vérification est inconnu, a déjà été utilisé ou a expiré. Veuillez demander un nouveau lien là où vous avez commencé.

sandbox-heading = Panneau de test (sandbox uniquement)
sandbox-body = Ce partenaire est dans l'environnement DEV. Terminez la vérification avec le résultat de votre choix, sans vrais documents.

retry-heading = Veuillez réessayer
retry-attempts-left = { $left ->
    [one] Il vous reste { $left } tentative.
   *[other] Il vous reste { $left } tentatives.
}
retry-button = Réessayer
reason-expired = Le document a expiré. Veuillez utiliser un document en cours de validité.
reason-unreadable = Nous n'avons pas pu lire la zone de lecture automatique (les lignes de lettres et de <<< sur le document). Photographiez le document en entier, à plat et net.
reason-blurry = La photo du document était floue. Tenez l'appareil immobile et vérifiez que le document est net.
reason-glare = Le document présentait des reflets. Inclinez-le ou éloignez-vous de la lumière directe.
reason-mismatch = Le document ne correspond pas au type de document ou au pays choisi.
reason-invalid = Les contrôles des données du document ont échoué. Veuillez utiliser un autre document.
reason-other = Nous n'avons pas pu vérifier le document. Veuillez reprendre les photos.

handoff-link = Utiliser plutôt votre téléphone
handoff-heading = Continuer sur votre téléphone
handoff-body = Scannez ce code avec l'appareil photo de votre téléphone ou ouvrez le lien ci-dessous sur votre téléphone. Cette page suit votre progression et affiche le résultat une fois que vous avez terminé.
handoff-copy = Lien pour votre téléphone

check-again = Vérifier à nouveau

problem-too-many = Trop de photos ont été envoyées en peu de temps. Veuillez patienter quelques minutes et réessayer.

problem-no-document = Aucun document n'est visible sur la photo. Placez le document en entier dans le cadre, sur un fond uni.
problem-no-face = Aucun visage n'est visible sur la photo. Regardez droit vers la caméra, le visage entier dans le cadre et bien éclairé.

# Hand-off by short link or typed code ({ $link } is "host/h").
handoff-short-intro = Pas de lecteur de QR code ? Sur votre téléphone, ouvrez ce lien court :
handoff-code-intro = Ou ouvrez { $link } et saisissez ce code :
handoff-code-valid = { $minutes ->
    [one] Le lien et le code ne servent qu'une fois, dans la minute qui suit.
   *[other] Le lien et le code ne servent qu'une fois, dans les { $minutes } minutes qui suivent.
}
code-heading = Continuer sur ce téléphone
code-label = Le code affiché sur votre autre écran
code-invalid = Ce code ne fonctionne pas. Il est peut-être mal saisi, déjà utilisé ou expiré : vérifiez-le, ou rouvrez la page du QR code pour en obtenir un nouveau.
code-too-many = Trop de codes ont été essayés à l'instant. Veuillez patienter une minute et réessayer.
