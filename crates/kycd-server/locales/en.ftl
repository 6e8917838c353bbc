# kycd hosted verification flow — English (the reference: every other language falls back here).
# Placeables: { $partner } the partner's name, { $minutes } minutes left, { $count } a number.

lang-name = English
page-title = Identity verification
skip-to-content = Skip to content
verifying-for = Verification for { $partner }
time-left = { $minutes ->
    [one] { $minutes } minute left
   *[other] { $minutes } minutes left
}
language = Language
cancel = Cancel verification
continue = Continue
back = Back

start-heading = Verify your identity
start-intro = { $partner } asks you to confirm who you are. It takes about two minutes.
start-need = You will need:
start-need-document = your identity document (passport, ID card, residence permit or driving licence)
start-need-selfie = a camera for a photo of your face
start-need-light = good light, without reflections on the document
start-privacy = Your photos are sent only to { $partner }'s verification service and stored encrypted.
start-button = Start

choose-heading = Choose your document
choose-country = Issuing country
choose-country-any = Select a country
choose-document = Document type
doc-ID_CARD = Identity card
doc-PASSPORT = Passport
doc-RESIDENCE_PERMIT = Residence permit
doc-DRIVER_LICENSE = Driving licence
doc-OTHER = Other document
doc-generic = { $code }

step-of = Step { $step } of { $total }
capture-FRONT-heading = Front of your document
capture-FRONT-PASSPORT-heading = Photo page of your passport
capture-BACK-heading = Back of your document
capture-FACE-heading = A photo of your face
capture-document-hint = Place the document flat inside the frame, with all four corners visible and no glare.
capture-face-hint = Look straight at the camera, with your face inside the oval and nothing covering it.
capture-camera-start = Use camera
capture-button = Take photo
capture-retake = Retake
capture-use = Use this photo
capture-upload-label = Or choose a photo from this device
capture-upload-button = Upload photo
capture-camera-unavailable = The camera cannot be used here. Please choose a photo from this device instead.
capture-camera-denied = Camera access was refused. You can allow it in your browser settings, or choose a photo from this device.
capture-preview = Your photo

problem-heading = Please take this photo again
problem-too-small = The photo is too small. Move closer or use a better camera.
problem-blurry = The photo is blurred. Hold the camera still and make sure the document is in focus.
problem-glare = There is glare on the photo. Tilt the document or move away from direct light.
problem-unreadable = This file cannot be used. Please send a JPEG, PNG or WebP photo of up to 2 MB.
problem-missing = Please add a photo before continuing.

review-heading = Check your photos
review-intro = Make sure every photo is sharp and the whole document is visible.
review-submit = Submit for verification
review-retake = Retake { $side }
side-FRONT = front
side-BACK = back
side-FACE = selfie

waiting-heading = Checking your document
waiting-body = This usually takes less than a minute. Please keep this page open.

result-APPROVED-heading = Verification successful
result-APPROVED-body = Your identity has been confirmed.
result-FAILED-heading = Your verification was unsuccessful
result-FAILED-body = We could not confirm your identity.
result-WAITING-heading = Thank you, your verification was submitted
result-WAITING-body = A specialist will review it. { $partner } will be told the result.
result-UNVERIFIED-heading = Verification not completed
result-UNVERIFIED-body = The verification was cancelled or not finished in time.
result-continue = Continue to { $partner }

cancel-heading = Cancel the verification?
cancel-body = Your photos will not be checked and this link will stop working.
cancel-confirm = Yes, cancel
cancel-keep = No, continue verifying

invalid-heading = This link is no longer valid
invalid-body = The verification link is unknown, was already used, or has expired. Please ask for a new link where you started.

sandbox-heading = Test panel (sandbox only)
sandbox-body = This partner is in the DEV environment. Finish the verification with a chosen outcome, without real documents.

retry-heading = Please try again
retry-attempts-left = { $left ->
    [one] You have one more attempt.
   *[other] You have { $left } more attempts.
}
retry-button = Try again
reason-expired = The document has expired. Please use a valid document.
reason-unreadable = We could not read the machine-readable zone (the lines of letters and <<< on the document). Photograph the whole document, flat and in focus.
reason-blurry = The photo of the document was blurred. Hold the camera still and make sure the document is in focus.
reason-glare = There was glare on the document. Tilt it or move away from direct light.
reason-mismatch = The document does not match the type or the country you chose.
reason-invalid = The document's data did not pass its checks. Please use another document.
reason-other = We could not verify the document. Please take the photos again.

handoff-link = Use your phone instead
handoff-heading = Continue on your phone
handoff-body = Scan this code with your phone's camera, or open the link below on your phone. This page follows along and shows the result when you are done.
handoff-copy = Link for your phone

check-again = Check again

problem-too-many = Too many photos were sent in a short time. Please wait a few minutes and try again.

problem-no-document = No document can be seen in the photo. Place the whole document inside the frame, on a plain background.
problem-no-face = No face can be seen in the photo. Look straight at the camera, with your whole face inside the frame and in good light.

# Hand-off by short link or typed code ({ $link } is "host/h").
handoff-short-intro = No QR code reader? On your phone, open this short link:
handoff-code-intro = Or open { $link } and type this code:
handoff-code-valid = { $minutes ->
    [one] The link and the code work once, within the next minute.
   *[other] The link and the code work once, within the next { $minutes } minutes.
}
code-heading = Continue on this phone
code-label = The code shown on your other screen
code-invalid = This code does not work. It may be mistyped, already used or expired: check it, or open the page with the QR code again for a new one.
code-too-many = Too many codes were tried just now. Please wait a minute and try again.
