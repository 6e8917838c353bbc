# Flujo de verificación alojado de kycd — español (los textos que falten se toman de la referencia en inglés).
# Marcadores: { $partner } nombre del socio, { $minutes } minutos restantes, { $count } un número.

lang-name = Español
page-title = Verificación de identidad
skip-to-content = Saltar al contenido
verifying-for = Verificación para { $partner }
time-left = { $minutes ->
    [one] Queda { $minutes } minuto
   *[other] Quedan { $minutes } minutos
}
language = Idioma
cancel = Cancelar la verificación
continue = Continuar
back = Atrás

start-heading = Verifique su identidad
start-intro = { $partner } le pide que confirme su identidad. El proceso dura unos dos minutos.
start-need = Necesitará:
start-need-document = su documento identificativo (pasaporte, documento de identidad, permiso de residencia o permiso de conducir)
start-need-selfie = una cámara para hacerse una foto de la cara
start-need-light = buena iluminación, sin reflejos sobre el documento
start-privacy = Sus fotos se envían únicamente al servicio de verificación de { $partner } y se guardan cifradas.
start-button = Empezar

choose-heading = Elija su documento
choose-country = País de expedición
choose-country-any = Seleccione un país
choose-document = Tipo de documento
doc-ID_CARD = Documento de identidad
doc-PASSPORT = Pasaporte
doc-RESIDENCE_PERMIT = Permiso de residencia
doc-DRIVER_LICENSE = Permiso de conducir
doc-OTHER = Otro documento
doc-generic = { $code }

step-of = Paso { $step } de { $total }
capture-FRONT-heading = Anverso de su documento
capture-FRONT-PASSPORT-heading = Página con foto de su pasaporte
capture-BACK-heading = Reverso de su documento
capture-FACE-heading = Una foto de su cara
capture-document-hint = Coloque el documento plano dentro del marco, con las cuatro esquinas visibles y sin reflejos.
capture-face-hint = Mire directamente a la cámara, con la cara dentro del óvalo y sin nada que la cubra.
capture-camera-start = Usar la cámara
capture-button = Hacer foto
capture-retake = Repetir
capture-use = Usar esta foto
capture-upload-label = O elija una foto de este dispositivo
capture-upload-button = Subir foto
capture-camera-unavailable = No se puede usar la cámara aquí. Elija en su lugar una foto de este dispositivo.
capture-camera-denied = Se ha denegado el acceso a la cámara. Puede permitirlo en la configuración del navegador o elegir una foto de este dispositivo.
capture-preview = Su foto

problem-heading = Vuelva a hacer esta foto
problem-too-small = La foto es demasiado pequeña. Acérquese o utilice una cámara mejor.
problem-blurry = La foto está borrosa. Mantenga la cámara quieta y asegúrese de que el documento esté enfocado.
problem-glare = La foto tiene reflejos. Incline el documento o aléjese de la luz directa.
problem-unreadable = No se puede usar este archivo. Envíe una foto JPEG, PNG o WebP de 2 MB como máximo.
problem-missing = Añada una foto antes de continuar.

review-heading = Revise sus fotos
review-intro = Asegúrese de que todas las fotos sean nítidas y de que el documento se vea entero.
review-submit = Enviar para verificación
review-retake = Repetir el { $side }
side-FRONT = anverso
side-BACK = reverso
side-FACE = selfie

waiting-heading = Comprobando su documento
waiting-body = Normalmente tarda menos de un minuto. Mantenga esta página abierta.

result-APPROVED-heading = Verificación completada
result-APPROVED-body = Se ha confirmado su identidad.
result-FAILED-heading = No se ha podido completar su verificación
result-FAILED-body = No hemos podido confirmar su identidad.
result-WAITING-heading = Gracias, su verificación se ha enviado
result-WAITING-body = Un especialista la revisará. Se comunicará el resultado a { $partner }.
result-UNVERIFIED-heading = Verificación no completada
result-UNVERIFIED-body = La verificación se ha cancelado o no se ha terminado a tiempo.
result-continue = Continuar a { $partner }

cancel-heading = ¿Cancelar la verificación?
cancel-body = Sus fotos no se comprobarán y este enlace dejará de funcionar.
cancel-confirm = Sí, cancelar
cancel-keep = No, seguir con la verificación

invalid-heading = Este enlace ya no es válido
invalid-body = El enlace de verificación es desconocido, ya se ha utilizado o ha caducado. Solicite un nuevo enlace en el lugar donde inició el proceso.

sandbox-heading = Panel de pruebas (solo sandbox)
sandbox-body = Este socio está en el entorno DEV. Finalice la verificación con el resultado que elija, sin documentos reales.

retry-heading = Vuelva a intentarlo
retry-attempts-left = { $left ->
    [one] Le queda un intento más.
   *[other] Le quedan { $left } intentos más.
}
retry-button = Volver a intentarlo
reason-expired = El documento ha caducado. Utilice un documento en vigor.
reason-unreadable = No hemos podido leer la zona de lectura mecánica (las líneas de letras y <<< del documento). Fotografíe el documento entero, plano y enfocado.
reason-blurry = La foto del documento estaba borrosa. Mantenga la cámara quieta y asegúrese de que el documento esté enfocado.
reason-glare = El documento tenía reflejos. Inclínelo o aléjese de la luz directa.
reason-mismatch = El documento no coincide con el tipo de documento o el país que ha elegido.
reason-invalid = Los datos del documento no han superado las comprobaciones. Utilice otro documento.
reason-other = No hemos podido verificar el documento. Vuelva a hacer las fotos.

handoff-link = Usar su teléfono en su lugar
handoff-heading = Continúe en su teléfono
handoff-body = Escanee este código con la cámara de su teléfono o abra en su teléfono el enlace que aparece a continuación. Esta página se irá actualizando y mostrará el resultado cuando haya terminado.
handoff-copy = Enlace para su teléfono

check-again = Volver a comprobar

problem-too-many = Se han enviado demasiadas fotos en poco tiempo. Espere unos minutos y vuelva a intentarlo.

problem-no-document = No se ve ningún documento en la foto. Coloque el documento entero dentro del marco, sobre un fondo liso.
problem-no-face = No se ve ninguna cara en la foto. Mire directamente a la cámara, con toda la cara dentro del marco y con buena luz.

# Hand-off by short link or typed code ({ $link } is "host/h").
handoff-short-intro = ¿No puede leer el código QR? En su teléfono, abra este enlace corto:
handoff-code-intro = O abra { $link } y escriba este código:
handoff-code-valid = { $minutes ->
    [one] El enlace y el código funcionan una sola vez, durante el próximo minuto.
   *[other] El enlace y el código funcionan una sola vez, durante los próximos { $minutes } minutos.
}
code-heading = Continúe en este teléfono
code-label = El código que aparece en su otra pantalla
code-invalid = Este código no funciona. Puede que esté mal escrito, ya usado o caducado: compruébelo o vuelva a abrir la página del código QR para obtener uno nuevo.
code-too-many = Se han probado demasiados códigos en este momento. Espere un minuto y vuelva a intentarlo.
