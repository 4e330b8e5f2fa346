"""The default self-assessment a member fills in before a quality-assurance review (version 1, published),
in English, French and Spanish: eleven questions over four areas (governance and the Code of Practice;
analysts' welfare and training; procedures and law-enforcement cooperation; data protection and
security), filed under the onboarding checklist's areas of the same subject.

Loaded only when no self-assessment template exists yet; staff edit it in the admin by creating a new
draft version. Written for the managers of member hotlines: formal register ("vous", "usted"),
"hotline" kept in French as the sector does, "línea de denuncia" in Spanish, as the onboarding
checklist's translations (0011).
"""

from django.db import migrations
from django.utils import timezone

NAME = "Quality-assurance self-assessment"
PURPOSE = "qa_self_assessment"

# (code, area, evidence required, title, guidance, title (fr), guidance (fr), title (es), guidance (es))
ITEMS = [
    # -- Governance and the Code of Practice (area 2) ----------------------------------------------------
    (
        "QA1.1",
        2,
        True,
        "Governance and accountability of the hotline",
        "<p>Describe who oversees the hotline within the host organisation (board, director), how often they "
        "review its work, and any change of governance since the last review. Attach the current "
        "organisation chart.</p>",
        "Gouvernance et responsabilité de la hotline",
        "<p>Décrivez qui supervise la hotline au sein de l'organisation hôte (conseil d'administration, "
        "direction), à quelle fréquence son travail est examiné, et tout changement de gouvernance depuis la "
        "dernière revue. Joignez l'organigramme à jour.</p>",
        "Gobernanza y rendición de cuentas de la línea de denuncia",
        "<p>Describa quién supervisa la línea de denuncia dentro de la organización anfitriona (junta "
        "directiva, dirección), con qué frecuencia revisa su trabajo y cualquier cambio de gobernanza desde "
        "la última revisión. Adjunte el organigrama actualizado.</p>",
    ),
    (
        "QA1.2",
        2,
        False,
        "Working by the Code of Practice",
        "<p>Explain how the hotline applies each part of the association's Code of Practice in its daily "
        "work, and where it does not fully do so yet, what it plans and by when.</p>",
        "Application du Code de bonnes pratiques",
        "<p>Expliquez comment la hotline applique chaque partie du Code de bonnes pratiques de l'association "
        "dans son travail quotidien et, là où elle ne le fait pas encore pleinement, ce qu'elle prévoit et "
        "dans quel délai.</p>",
        "Aplicación del Código de buenas prácticas",
        "<p>Explique cómo aplica la línea de denuncia cada parte del Código de buenas prácticas de la "
        "asociación en su trabajo diario y, donde aún no lo hace plenamente, qué tiene previsto y en qué "
        "plazo.</p>",
    ),
    (
        "QA1.3",
        2,
        False,
        "Follow-up of the previous review",
        "<p>For each finding and corrective action of the previous quality-assurance review, say what was "
        "done and what remains. A member's first review answers “no previous review”.</p>",
        "Suites données à la revue précédente",
        "<p>Pour chaque constat et chaque action corrective de la revue qualité précédente, indiquez ce qui a "
        "été fait et ce qui reste à faire. Pour une première revue, répondez « pas de revue précédente ».</p>",
        "Seguimiento de la revisión anterior",
        "<p>Para cada hallazgo y cada acción correctiva de la revisión de calidad anterior, indique lo que se "
        "hizo y lo que queda pendiente. En una primera revisión, responda «no hay revisión anterior».</p>",
    ),
    # -- Analysts' welfare and training (area 12) ---------------------------------------------------------
    (
        "QA2.1",
        12,
        True,
        "Analysts' welfare programme",
        "<p>Describe the welfare measures in place for analysts (limits on exposure, breaks, mandatory "
        "psychological support sessions, access to a counsellor) and how their use is followed. Attach the "
        "welfare policy in force.</p>",
        "Programme de bien-être des analystes",
        "<p>Décrivez les mesures de bien-être en place pour les analystes (limites d'exposition, pauses, "
        "séances obligatoires de soutien psychologique, accès à un psychologue) et la manière dont leur "
        "utilisation est suivie. Joignez la politique de bien-être en vigueur.</p>",
        "Programa de bienestar de los analistas",
        "<p>Describa las medidas de bienestar vigentes para los analistas (límites de exposición, pausas, "
        "sesiones obligatorias de apoyo psicológico, acceso a un profesional de la psicología) y cómo se "
        "hace el seguimiento de su uso. Adjunte la política de bienestar vigente.</p>",
    ),
    (
        "QA2.2",
        12,
        False,
        "Analysts' training and certification",
        "<p>List, by analyst ID only, the core, content-assessment and other training each analyst completed "
        "and when their certifications expire. Say how new analysts are trained before they assess "
        "reports.</p>",
        "Formation et certification des analystes",
        "<p>Indiquez, uniquement par identifiant d'analyste, les formations de base, d'évaluation des contenus "
        "et autres suivies par chaque analyste, ainsi que la date d'expiration de leurs certifications. "
        "Précisez comment les nouveaux analystes sont formés avant de traiter des signalements.</p>",
        "Formación y certificación de los analistas",
        "<p>Indique, solo por el identificador de cada analista, la formación básica, de evaluación de "
        "contenidos y de otro tipo que ha completado y cuándo vencen sus certificaciones. Explique cómo se "
        "forma a los nuevos analistas antes de que evalúen denuncias.</p>",
    ),
    (
        "QA2.3",
        12,
        False,
        "Staffing and continuity",
        "<p>Give the number of analysts and their working time, and how the hotline keeps working during "
        "absences (a deputy, cover by another analyst or a partner hotline).</p>",
        "Effectifs et continuité du service",
        "<p>Indiquez le nombre d'analystes et leur temps de travail, et comment la hotline continue de "
        "fonctionner en cas d'absence (suppléant, relais par un autre analyste ou par une hotline "
        "partenaire).</p>",
        "Personal y continuidad del servicio",
        "<p>Indique el número de analistas y su tiempo de trabajo, y cómo sigue funcionando la línea de "
        "denuncia durante las ausencias (una persona suplente, cobertura por otro analista o por una línea de "
        "denuncia asociada).</p>",
    ),
    # -- Procedures and law-enforcement cooperation (area 9) ----------------------------------------------
    (
        "QA3.1",
        9,
        True,
        "Report handling procedures",
        "<p>Attach the current written procedures for receiving, assessing and forwarding reports, and "
        "describe what changed since the last review and why.</p>",
        "Procédures de traitement des signalements",
        "<p>Joignez les procédures écrites en vigueur pour la réception, l'évaluation et la transmission des "
        "signalements, et décrivez ce qui a changé depuis la dernière revue et pourquoi.</p>",
        "Procedimientos de tramitación de denuncias",
        "<p>Adjunte los procedimientos escritos vigentes para recibir, evaluar y remitir las denuncias, y "
        "describa qué ha cambiado desde la última revisión y por qué.</p>",
    ),
    (
        "QA3.2",
        9,
        True,
        "Cooperation with law enforcement",
        "<p>Describe how reports are passed to the police and how the hotline learns the outcome; attach the "
        "memorandum of understanding or agreement in force and name any difficulty met in the period.</p>",
        "Coopération avec les services répressifs",
        "<p>Décrivez comment les signalements sont transmis à la police et comment la hotline est informée "
        "des suites données ; joignez le protocole d'accord ou la convention en vigueur et signalez toute "
        "difficulté rencontrée au cours de la période.</p>",
        "Cooperación con las fuerzas del orden",
        "<p>Describa cómo se remiten las denuncias a la policía y cómo conoce la línea de denuncia el "
        "resultado; adjunte el memorando de entendimiento o el acuerdo vigente e indique cualquier dificultad "
        "encontrada en el periodo.</p>",
    ),
    (
        "QA3.3",
        9,
        False,
        "Notice and takedown with industry",
        "<p>Explain how hosting providers and platforms are notified, how removal is followed up, and the "
        "share of content removed within three days over the last year.</p>",
        "Notification et retrait avec les acteurs du secteur",
        "<p>Expliquez comment les hébergeurs et les plateformes sont notifiés, comment le retrait est suivi, "
        "et la part des contenus retirés en moins de trois jours au cours de la dernière année.</p>",
        "Notificación y retirada con la industria",
        "<p>Explique cómo se notifica a los proveedores de alojamiento y a las plataformas, cómo se hace el "
        "seguimiento de la retirada y qué proporción de contenidos se retiró en menos de tres días durante el "
        "último año.</p>",
    ),
    # -- Data protection and security (area 11) -----------------------------------------------------------
    (
        "QA4.1",
        11,
        True,
        "Data protection",
        "<p>Describe the legal basis for processing reports, how long report data is kept and who may access "
        "it. Attach the data protection policy or the record of processing activities.</p>",
        "Protection des données",
        "<p>Décrivez la base juridique du traitement des signalements, la durée de conservation des données "
        "et les personnes qui peuvent y accéder. Joignez la politique de protection des données ou le "
        "registre des activités de traitement.</p>",
        "Protección de datos",
        "<p>Describa la base jurídica del tratamiento de las denuncias, cuánto tiempo se conservan los datos "
        "y quién puede acceder a ellos. Adjunte la política de protección de datos o el registro de "
        "actividades de tratamiento.</p>",
    ),
    (
        "QA4.2",
        11,
        False,
        "Information security",
        "<p>Describe how the premises, systems and accounts used to assess reports are secured (physical "
        "access, separate network, access logging, two-factor sign-in), and any security incident in the "
        "period with what was done.</p>",
        "Sécurité de l'information",
        "<p>Décrivez comment sont sécurisés les locaux, les systèmes et les comptes utilisés pour évaluer les "
        "signalements (accès physique, réseau séparé, journalisation des accès, authentification à deux "
        "facteurs), ainsi que tout incident de sécurité survenu au cours de la période et les mesures "
        "prises.</p>",
        "Seguridad de la información",
        "<p>Describa cómo se protegen las instalaciones, los sistemas y las cuentas que se usan para evaluar "
        "las denuncias (acceso físico, red separada, registro de accesos, autenticación en dos pasos), así "
        "como cualquier incidente de seguridad ocurrido en el periodo y las medidas adoptadas.</p>",
    ),
]


def load(apps, schema_editor):
    Template = apps.get_model("onboarding", "ChecklistTemplate")
    Item = apps.get_model("onboarding", "ChecklistTemplateItem")
    if Template.objects.filter(purpose=PURPOSE).exists():
        return
    now = timezone.now()
    template = Template.objects.create(
        name=NAME,
        purpose=PURPOSE,
        version=1,
        status="published",
        notes="First version: eleven questions over four areas.",
        created_at=now,
        published_at=now,
    )
    Item.objects.bulk_create(
        [
            Item(
                template=template,
                sort_order=index,
                code=code,
                area=area,
                evidence_required=evidence,
                title=title,
                guidance=guidance,
                title_fr=title_fr,
                guidance_fr=guidance_fr,
                title_es=title_es,
                guidance_es=guidance_es,
                gates_stage="full_member",
                due_days=30,
            )
            for index, (
                code,
                area,
                evidence,
                title,
                guidance,
                title_fr,
                guidance_fr,
                title_es,
                guidance_es,
            ) in enumerate(ITEMS)
        ]
    )


def unload(apps, schema_editor):
    apps.get_model("onboarding", "ChecklistTemplate").objects.filter(
        purpose=PURPOSE, version=1, self_assessments__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0015_qa_self_assessment")]

    operations = [migrations.RunPython(load, unload)]
