"""The default onboarding checklist in French and Spanish.

Fills the translations of the items shipped by 0003 wherever their English text is still the shipped
one and the translation is empty, so a title or guidance staff have rewritten, or a translation they
have entered, is never overwritten. Written for the legal and technical staff of candidate hotlines:
formal register ("vous", "usted"), "hotline" kept in French as the sector does, "línea de denuncia"
in Spanish, the terms of the interface's own translations (locale/).
"""

import importlib

from django.db import migrations

# Item code: (title in French, guidance in French, title in Spanish, guidance in Spanish).

TRANSLATIONS = {
    "1.1": (
        "Synthèse de la situation nationale",
        "<p>Résumez l'usage d'internet, les voies existantes de signalement des contenus illicites (police, lignes "
        "d'écoute, plateformes) et les raisons pour lesquelles une hotline est nécessaire. Deux pages suffisent ; "
        "citez les sources utilisées.</p>",
        "Resumen de la situación del país",
        "<p>Resuma el uso de internet, las vías existentes para denunciar contenidos ilegales (policía, líneas de "
        "ayuda, plataformas) y por qué se necesita una línea de denuncia. Bastan dos páginas; cite las fuentes "
        "utilizadas.</p>",
    ),
    "1.2": (
        "Cartographie des services de protection de l'enfance et de signalement",
        "<p>Énumérez les organisations qui travaillent déjà sur la protection des enfants en ligne dans le pays "
        "(lignes d'écoute, ONG, unités de police, autorités de régulation) et indiquez comment la hotline "
        "coopérera avec chacune d'elles.</p>",
        "Mapa de los servicios de protección de la infancia y de denuncia",
        "<p>Enumere las organizaciones que ya trabajan en la protección de la infancia en línea en el país (líneas "
        "de ayuda, ONG, unidades policiales, organismos reguladores) e indique cómo colaborará la línea de "
        "denuncia con cada una de ellas.</p>",
    ),
    "2.1": (
        "Vérification préalable de l'organisation hôte",
        "<p>Fournissez le certificat d'enregistrement de l'organisation hôte, ses statuts, la liste des membres de "
        "son conseil d'administration, ses deux derniers comptes annuels et une déclaration attestant qu'aucun "
        "membre du conseil n'a de conflit d'intérêts avec les activités de la hotline.</p>",
        "Diligencia debida de la organización anfitriona",
        "<p>Aporte el certificado de inscripción de la organización anfitriona, sus estatutos, la lista de los "
        "miembros de su junta directiva, las dos últimas cuentas anuales y una declaración de que ningún miembro "
        "de la junta tiene un conflicto de intereses con la labor de la línea de denuncia.</p>",
    ),
    "2.2": (
        "Décision du conseil d'administration d'héberger la hotline",
        "<p>Téléversez le procès-verbal ou la délibération par laquelle le conseil d'administration de "
        "l'organisation hôte a décidé d'héberger la hotline et a désigné la personne qui en est responsable.</p>",
        "Acuerdo de la junta directiva para acoger la línea de denuncia",
        "<p>Suba el acta o el acuerdo en el que la junta directiva de la organización anfitriona decidió acoger la "
        "línea de denuncia y designó a la persona responsable de ella.</p>",
    ),
    "2.3": (
        "Politique d'indépendance et de gestion des conflits d'intérêts",
        "<p>Montrez comment les évaluations de la hotline restent indépendantes des autres activités et des "
        "bailleurs de fonds de l'organisation hôte, et comment les conflits d'intérêts du personnel et des "
        "membres du conseil sont déclarés et traités.</p>",
        "Política de independencia y de conflictos de intereses",
        "<p>Explique cómo las evaluaciones de la línea de denuncia se mantienen independientes de las demás "
        "actividades y de los financiadores de la organización anfitriona, y cómo se declaran y gestionan los "
        "conflictos de intereses del personal y de los miembros de la junta.</p>",
    ),
    "2.4": (
        "Organigramme de la hotline",
        "<p>Situez la hotline au sein de l'organisation hôte : qui la dirige, à qui les analystes rendent compte et "
        "qui assure la suppléance en l'absence du responsable.</p>",
        "Organigrama de la línea de denuncia",
        "<p>Muestre el lugar de la línea de denuncia dentro de la organización anfitriona: quién la dirige, ante "
        "quién responden los analistas y quién sustituye al responsable en su ausencia.</p>",
    ),
    "3.1": (
        "Analyse juridique des activités de la hotline",
        "<p>Un avis écrit d'un juriste qualifié confirmant que la hotline peut légalement recevoir des "
        "signalements, évaluer les contenus signalés et les transmettre aux forces de l'ordre et aux hébergeurs, "
        "et précisant à quelles conditions.</p>",
        "Revisión jurídica de las actividades de la línea de denuncia",
        "<p>Un dictamen escrito de un abogado cualificado que confirme que la línea de denuncia puede legalmente "
        "recibir denuncias, evaluar el contenido denunciado y transmitirlo a las fuerzas del orden y a los "
        "proveedores de alojamiento, y en qué condiciones.</p>",
    ),
    "3.2": (
        "Base juridique de la notification et du retrait",
        "<p>Indiquez quelle loi ou quel accord permet à la hotline de demander aux hébergeurs établis dans le pays "
        "de retirer des contenus illicites, et ce que ces prestataires doivent faire lorsqu'ils reçoivent une "
        "notification.</p>",
        "Base jurídica de la notificación y retirada",
        "<p>Explique qué ley o acuerdo permite a la línea de denuncia pedir a los proveedores de alojamiento del "
        "país que retiren contenidos ilegales, y qué deben hacer los proveedores cuando reciben una "
        "notificación.</p>",
    ),
    "3.3": (
        "Protection juridique des analystes",
        "<p>Confirmez, en citant la disposition légale applicable ou une assurance écrite du ministère public, que "
        "les analystes qui consultent les contenus signalés dans l'exercice de leurs fonctions ne commettent pas "
        "d'infraction.</p>",
        "Protección jurídica de los analistas",
        "<p>Confirme, con la disposición legal aplicable o una garantía por escrito de la fiscalía, que los "
        "analistas que visualizan el material denunciado en el ejercicio de sus funciones no cometen un "
        "delito.</p>",
    ),
    "4.1": (
        "Procédure de transmission convenue avec les forces de l'ordre",
        "<p>Décrivez comment les signalements jugés illicites parviennent à la police : le point de contact, le "
        "canal utilisé, les informations transmises et l'accusé de réception attendu. Joignez le protocole "
        "d'accord signé ou l'alternative approuvée.</p>",
        "Procedimiento de remisión acordado con las fuerzas del orden",
        "<p>Describa cómo llegan a la policía las denuncias evaluadas como ilegales: el punto de contacto, el "
        "canal, la información enviada y el acuse de recibo esperado. Adjunte el memorando de entendimiento "
        "firmado o la alternativa aprobada.</p>",
    ),
    "4.2": (
        "Correspondant désigné au sein des forces de l'ordre",
        "<p>Indiquez l'unité et la fonction (et non les données personnelles) du correspondant au sein des forces "
        "de l'ordre, ainsi que la manière dont la hotline le joint en dehors des heures de bureau.</p>",
        "Enlace designado en las fuerzas del orden",
        "<p>Indique la unidad y el cargo (no los datos personales) del enlace en las fuerzas del orden, y cómo lo "
        "contacta la línea de denuncia fuera del horario de oficina.</p>",
    ),
    "4.3": (
        "Coordination avec les enquêtes en cours",
        "<p>Décrivez comment la hotline s'assure qu'une demande de retrait ne nuit pas à une enquête, par exemple "
        "en attendant l'accord de la police avant de notifier un prestataire.</p>",
        "Coordinación con las investigaciones en curso",
        "<p>Describa cómo se asegura la línea de denuncia de que una solicitud de retirada no perjudique una "
        "investigación, por ejemplo esperando la autorización de la policía antes de notificar a un "
        "proveedor.</p>",
    ),
    "5.1": (
        "Lettre de soutien du ministère compétent",
        "<p>Une lettre signée du ministère chargé de la protection de l'enfance ou du numérique, apportant son "
        "soutien à la création de la hotline.</p>",
        "Carta de apoyo del ministerio competente",
        "<p>Una carta firmada por el ministerio responsable de la protección de la infancia o del sector digital "
        "en la que respalde la creación de la línea de denuncia.</p>",
    ),
    "5.2": (
        "Point focal au sein du gouvernement",
        "<p>Indiquez le service de l'administration et la fonction qui suivront les travaux de la hotline et "
        "recevront son rapport annuel.</p>",
        "Punto focal en el gobierno",
        "<p>Indique el departamento gubernamental y el cargo que harán el seguimiento de la labor de la línea de "
        "denuncia y recibirán su informe anual.</p>",
    ),
    "6.1": (
        "Procédure de notification et de retrait",
        "<p>La procédure suivie par la hotline pour notifier les hébergeurs, y compris le modèle de notification, "
        "les délais et le suivi lorsque le contenu reste en ligne.</p>",
        "Procedimiento de notificación y retirada",
        "<p>El procedimiento que sigue la línea de denuncia para notificar a los proveedores de alojamiento, "
        "incluidos el modelo de notificación, los plazos y el seguimiento cuando el contenido permanece en "
        "línea.</p>",
    ),
    "6.2": (
        "Engagements des principaux prestataires",
        "<p>Accords ou lettres des principaux fournisseurs d'accès à internet, hébergeurs et plateformes du pays, "
        "par lesquels ils s'engagent à donner suite aux notifications de la hotline.</p>",
        "Compromisos de los principales proveedores",
        "<p>Acuerdos o cartas de los principales proveedores de acceso a internet, empresas de alojamiento y "
        "plataformas del país en los que se comprometen a actuar ante las notificaciones de la línea de "
        "denuncia.</p>",
    ),
    "6.3": (
        "Contacts « abuse » des hébergeurs",
        "<p>Confirmez que la hotline tient à jour la liste des services « abuse » des hébergeurs du pays, et "
        "indiquez qui en assure la mise à jour.</p>",
        "Contactos de abuso de los proveedores de alojamiento",
        "<p>Confirme que la línea de denuncia mantiene actualizada una lista de los servicios de gestión de abusos "
        "de los proveedores de alojamiento del país, e indique quién se encarga de ella.</p>",
    ),
    "7.1": (
        "Cartographie des parties prenantes",
        "<p>Un tableau des parties prenantes par secteur (forces de l'ordre, gouvernement, industrie, ONG) "
        "indiquant leur rôle vis-à-vis de la hotline et le point focal de chacune.</p>",
        "Mapa de partes interesadas",
        "<p>Una tabla de las partes interesadas por sector (fuerzas del orden, gobierno, industria, ONG) con su "
        "papel respecto de la línea de denuncia y el punto focal de cada una.</p>",
    ),
    "7.2": (
        "Conclusions et engagements des tables rondes",
        "<p>Résumez ce qui a été convenu lors des tables rondes et les engagements pris par chaque partie "
        "prenante ; vous pouvez vous référer aux comptes rendus des tables rondes établis par l'association.</p>",
        "Resultados y compromisos de las mesas redondas",
        "<p>Resuma lo acordado en las mesas redondas y a qué se comprometió cada parte interesada; puede remitirse "
        "a las actas de las mesas redondas elaboradas por la asociación.</p>",
    ),
    "8.1": (
        "Budget de la première année",
        "<p>Le budget de la hotline pour sa première année de fonctionnement : personnel, soutien au bien-être, "
        "équipement, sécurité, communication et déplacements aux réunions du réseau.</p>",
        "Presupuesto del primer año",
        "<p>El presupuesto de la línea de denuncia para su primer año de funcionamiento: personal, apoyo al "
        "bienestar, equipamiento, seguridad, comunicación y viajes a las reuniones de la red.</p>",
    ),
    "8.2": (
        "Convention de financement de la première année de fonctionnement",
        "<p>La ou les conventions signées couvrant le budget de la première année.</p>",
        "Acuerdo de financiación del primer año de funcionamiento",
        "<p>El acuerdo (o los acuerdos) firmado que cubre el presupuesto del primer año.</p>",
    ),
    "8.3": (
        "Plan de pérennité sur trois ans",
        "<p>Comment la hotline sera financée après sa première année : sources prévues, montants et mesures "
        "prévues si un bailleur de fonds se retire.</p>",
        "Plan de sostenibilidad a tres años",
        "<p>Cómo se financiará la línea de denuncia después de su primer año: fuentes previstas, importes y plan en "
        "caso de que un financiador se retire.</p>",
    ),
    "9.1": (
        "Procédure de traitement des signalements",
        "<p>La procédure écrite, de la réception à la clôture : recevoir un signalement, l'évaluer, localiser "
        "l'hébergement, le transmettre aux forces de l'ordre, notifier le prestataire et consigner le "
        "résultat.</p>",
        "Procedimiento de tramitación de denuncias",
        "<p>El procedimiento escrito desde la recepción hasta el cierre: recibir una denuncia, evaluarla, "
        "localizar el alojamiento, remitirla a las fuerzas del orden, notificar al proveedor y registrar el "
        "resultado.</p>",
    ),
    "9.2": (
        "Lignes directrices pour l'évaluation des contenus",
        "<p>Les lignes directrices que les analystes appliquent pour déterminer si un contenu signalé est illicite "
        "au regard du droit national, alignées sur la classification de l'association.</p>",
        "Directrices de evaluación de contenidos",
        "<p>Las directrices que aplican los analistas para determinar si el contenido denunciado es ilegal según "
        "la legislación nacional, en consonancia con la clasificación de la asociación.</p>",
    ),
    "9.3": (
        "Statistiques selon les catégories du réseau",
        "<p>Confirmez que la hotline enregistre les signalements reçus, les URL de contenus traitées et leurs "
        "suites dans les catégories utilisées par le réseau pour ses statistiques agrégées (des chiffres "
        "uniquement).</p>",
        "Estadísticas en las categorías de la red",
        "<p>Confirme que la línea de denuncia registra las denuncias recibidas, las URL de contenido tramitadas y "
        "su resultado en las categorías que utiliza la red para sus estadísticas agregadas (solo cifras).</p>",
    ),
    "9.4": (
        "Page publique de signalement",
        "<p>Une capture d'écran ou un PDF de la page publique de signalement, montrant que chacun peut signaler "
        "anonymement et ce qu'il advient de son signalement.</p>",
        "Página pública de denuncia",
        "<p>Una captura de pantalla o un PDF de la página pública de denuncia, que muestre que las personas pueden "
        "denunciar de forma anónima y qué ocurre con su denuncia.</p>",
    ),
    "10.1": (
        "Politique de sécurité de l'information",
        "<p>La politique couvrant l'accès aux systèmes de la hotline, les mots de passe et l'authentification à "
        "deux facteurs, les mises à jour, les sauvegardes et ce que le personnel ne doit pas faire des données "
        "des signalements.</p>",
        "Política de seguridad de la información",
        "<p>La política que regula el acceso a los sistemas de la línea de denuncia, las contraseñas y la "
        "autenticación de dos factores, las actualizaciones, las copias de seguridad y lo que el personal no "
        "puede hacer con los datos de las denuncias.</p>",
    ),
    "10.2": (
        "Postes de travail sécurisés des analystes",
        "<p>Décrivez les postes de travail des analystes : séparés du réseau de l'organisation, installés dans une "
        "pièce à accès contrôlé, avec des écrans hors de la vue des visiteurs.</p>",
        "Puestos de trabajo seguros para los analistas",
        "<p>Describa los puestos de trabajo de los analistas: separados de la red de la organización, en una sala "
        "de acceso controlado y con pantallas fuera de la vista de los visitantes.</p>",
    ),
    "10.3": (
        "Contrôle et journalisation des accès",
        "<p>Indiquez qui peut accéder aux dossiers de signalement et comment les accès sont journalisés et "
        "contrôlés.</p>",
        "Control y registro de accesos",
        "<p>Indique quién puede acceder a los registros de denuncias y cómo se registran y revisan los "
        "accesos.</p>",
    ),
    "10.4": (
        "Plan de réponse aux incidents",
        "<p>Ce que fait la hotline après un incident de sécurité ou une violation de données : qui est informé, "
        "dans quel délai, et comment l'incident est consigné. Le plan est testé au moins une fois au cours de la "
        "première année.</p>",
        "Plan de respuesta a incidentes",
        "<p>Lo que hace la línea de denuncia tras un incidente de seguridad o una violación de datos: a quién se "
        "informa, en qué plazo y cómo se registra. Se pone a prueba al menos una vez durante el primer año.</p>",
    ),
    "11.1": (
        "Analyse d'impact relative à la protection des données",
        "<p>L'évaluation des risques que les traitements de la hotline font peser sur les personnes qui signalent "
        "et sur les autres personnes concernées, ainsi que les mesures prises.</p>",
        "Evaluación de impacto relativa a la protección de datos",
        "<p>La evaluación de los riesgos que el tratamiento de datos de la línea de denuncia supone para los "
        "denunciantes y otras personas, y las medidas adoptadas.</p>",
    ),
    "11.2": (
        "Calendrier de conservation",
        "<p>La durée de conservation de chaque type de données (signalements, transmissions, notifications, "
        "statistiques) et la manière dont elles sont supprimées.</p>",
        "Calendario de conservación",
        "<p>Cuánto tiempo se conserva cada tipo de registro (denuncias, remisiones, notificaciones, estadísticas) "
        "y cómo se suprime.</p>",
    ),
    "11.3": (
        "Accord de traitement des données avec l'association",
        "<p>L'accord signé couvrant les données que la hotline échange avec l'association et les autres hotlines "
        "membres.</p>",
        "Acuerdo de tratamiento de datos con la asociación",
        "<p>El acuerdo firmado que regula los datos que la línea de denuncia intercambia con la asociación y con "
        "las demás líneas de denuncia miembros.</p>",
    ),
    "12.1": (
        "Recrutement et contrôle des analystes",
        "<p>Comment les analystes sont sélectionnés, font l'objet d'une vérification d'antécédents et sont "
        "informés de la nature du travail avant leur prise de fonctions.</p>",
        "Selección y verificación de los analistas",
        "<p>Cómo se selecciona a los analistas, cómo se verifican sus antecedentes y cómo se les informa de la "
        "naturaleza del trabajo antes de que empiecen.</p>",
    ),
    "12.2": (
        "Politique de bien-être",
        "<p>La politique de bien-être du personnel exposé à des contenus éprouvants : limites d'exposition, "
        "pauses, rotation, droit d'interrompre le travail et signaux auxquels les responsables sont "
        "attentifs.</p>",
        "Política de bienestar",
        "<p>La política de bienestar para el personal expuesto a contenidos perturbadores: límites de exposición, "
        "pausas, rotación, derecho a interrumpir el trabajo y señales a las que atienden los responsables.</p>",
    ),
    "12.3": (
        "Soutien psychologique",
        "<p>Le contrat ou l'accord conclu avec un conseiller ou un psychologue qui propose aux analystes des "
        "séances régulières et à la demande, prises en charge par la hotline.</p>",
        "Apoyo psicológico",
        "<p>El contrato o acuerdo con un consejero o psicólogo que ofrece a los analistas sesiones periódicas y a "
        "demanda, costeadas por la línea de denuncia.</p>",
    ),
    "12.4": (
        "Plan de formation",
        "<p>Quels analystes suivront la formation de base et la formation à l'évaluation des contenus de "
        "l'association, et à quelles dates. Les données de formation elles-mêmes proviennent du registre de "
        "l'association.</p>",
        "Plan de formación",
        "<p>Qué analistas asistirán a la formación básica y a la formación en evaluación de contenidos de la "
        "asociación, y cuándo. Los registros de formación proceden directamente del registro de la "
        "asociación.</p>",
    ),
    "12.5": (
        "Bilan du dispositif de bien-être après six mois",
        "<p>Un bref bilan du fonctionnement des mesures de bien-être au cours des six premiers mois d'activité et "
        "des changements apportés.</p>",
        "Revisión del bienestar a los seis meses",
        "<p>Una breve revisión de cómo funcionaron las medidas de bienestar durante los seis primeros meses de "
        "funcionamiento y de los cambios introducidos.</p>",
    ),
    "13.1": (
        "Plan de communication pour le lancement",
        "<p>Comment le public, l'industrie et les partenaires apprendront l'existence de la hotline : messages, "
        "canaux, porte-parole et date de lancement.</p>",
        "Plan de comunicación del lanzamiento",
        "<p>Cómo sabrán el público, la industria y los socios que existe la línea de denuncia: mensajes, canales, "
        "portavoz y fecha de lanzamiento.</p>",
    ),
    "13.2": (
        "Supports de sensibilisation",
        "<p>Les projets de dépliants, de pages web ou de publications sur les réseaux sociaux expliquant quoi "
        "signaler et comment.</p>",
        "Materiales de sensibilización",
        "<p>Borradores de los folletos, páginas web o publicaciones en redes sociales que explican qué denunciar y "
        "cómo.</p>",
    ),
    "13.3": (
        "Premier rapport annuel",
        "<p>Le premier rapport annuel de la hotline, avec ses statistiques agrégées et ses activités.</p>",
        "Primer informe anual",
        "<p>El primer informe anual de la línea de denuncia, con sus estadísticas agregadas y sus actividades.</p>",
    ),
    "14.1": (
        "Déclaration d'adhésion au Code de pratique",
        "<p>Le Code de pratique de l'association, signé par le représentant légal de l'organisation hôte.</p>",
        "Declaración del Código de Prácticas",
        "<p>El Código de Prácticas de la asociación, firmado por el representante legal de la organización "
        "anfitriona.</p>",
    ),
    "14.2": (
        "Point de contact pour le réseau",
        "<p>La fonction et la boîte aux lettres partagée par lesquelles l'association et les autres hotlines "
        "joignent la hotline (une adresse partagée, et non une adresse personnelle).</p>",
        "Punto de contacto para la red",
        "<p>El cargo y el buzón compartido a través de los cuales la asociación y las demás líneas de denuncia se "
        "ponen en contacto con la línea de denuncia (una dirección compartida, no personal).</p>",
    ),
    "14.3": (
        "Formulaire de demande d'adhésion",
        "<p>Le formulaire de demande d'adhésion de l'association, rempli et signé.</p>",
        "Formulario de solicitud de afiliación",
        "<p>El formulario de solicitud de afiliación de la asociación, cumplimentado y firmado.</p>",
    ),
    "14.4": (
        "Modalités de paiement de la cotisation",
        "<p>Confirmez comment la cotisation sera acquittée (budget propre ou bailleur de fonds), à compter de la "
        "première année complète d'adhésion.</p>",
        "Modalidad de pago de la cuota de afiliación",
        "<p>Confirme cómo se abonará la cuota de afiliación (presupuesto propio o un financiador), a partir del "
        "primer año completo de afiliación.</p>",
    ),
}


def fill(apps, schema_editor):
    shipped = {
        code: (title, guidance)
        for code, _area, title, guidance, *_rest in importlib.import_module(
            "onboarding.migrations.0003_default_checklist"
        ).ITEMS
    }
    Item = apps.get_model("onboarding", "ChecklistTemplateItem")
    changed = []
    for item in Item.objects.filter(code__in=TRANSLATIONS):
        title_fr, guidance_fr, title_es, guidance_es = TRANSLATIONS[item.code]
        title, guidance = shipped[item.code]
        before = (item.title_fr, item.guidance_fr, item.title_es, item.guidance_es)
        if item.title == title:
            item.title_fr = item.title_fr or title_fr
            item.title_es = item.title_es or title_es
        if item.guidance == guidance:
            item.guidance_fr = item.guidance_fr or guidance_fr
            item.guidance_es = item.guidance_es or guidance_es
        if (item.title_fr, item.guidance_fr, item.title_es, item.guidance_es) != before:
            changed.append(item)
    Item.objects.bulk_update(changed, ["title_fr", "guidance_fr", "title_es", "guidance_es"])


def empty(apps, schema_editor):
    Item = apps.get_model("onboarding", "ChecklistTemplateItem")
    for code, (title_fr, guidance_fr, title_es, guidance_es) in TRANSLATIONS.items():
        Item.objects.filter(code=code, title_fr=title_fr).update(title_fr="")
        Item.objects.filter(code=code, title_es=title_es).update(title_es="")
        Item.objects.filter(code=code, guidance_fr=guidance_fr).update(guidance_fr="")
        Item.objects.filter(code=code, guidance_es=guidance_es).update(guidance_es="")


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0010_template_item_translations")]

    operations = [migrations.RunPython(fill, empty)]
