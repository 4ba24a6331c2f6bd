"""French demo data for the help centre: topics, 30 glossary terms, tutorials by the teams
and by members (one published after a review, one waiting for review, one sent back), a
guided path, the new-member kit. Made through the real actions, so timelines, revisions,
search entries and notifications are real."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from coopdesk.demo import People
from helpdesk.models import Category
from kb import actions
from kb.models import (
    Article,
    Audience,
    Expert,
    Guide,
    GuideChoice,
    GuideNode,
    Kit,
    KitItem,
    NodeKind,
    Term,
    Topic,
)

TOPICS = [
    ("demarrer", "Démarrer dans la coopérative", "Les premières étapes : réunion "
     "d'information, diagnostic, CAPE, puis salariat et sociétariat.", "lea"),
    ("devis-factures", "Devis et factures", "Rédiger, envoyer et suivre vos devis et factures.",
     "thomas"),
    ("clients", "Clients et impayés", "Relances, échéanciers, litiges : garder de bonnes "
     "relations et être payé·e.", "nadia"),
    ("frais", "Frais et achats", "Notes de frais, achats, investissements.", "emilie"),
    ("paie", "Paie et salaire", "Votre fiche de paie, votre salaire, vos absences.", "marc"),
    ("cooperative", "Vie coopérative", "Assemblées, sociétariat, parrainage.", "julien"),
]

TERMS = [
    ("CAE", "Coopérative d'activité et d'emploi : une entreprise partagée qui héberge "
     "juridiquement l'activité de ses entrepreneur·es, les salarie et met en commun des "
     "services (comptabilité, paie, juridique…).", "coopérative d'activité et d'emploi"),
    ("CAPE", "Contrat d'appui au projet d'entreprise : de 1 à 6 mois, renouvelable. Vous "
     "testez votre activité, vous pouvez facturer, et vous êtes accompagné·e, sans être encore "
     "salarié·e.", "contrat d'appui au projet d'entreprise"),
    ("CESA", "Contrat d'entrepreneur salarié associé : un contrat de travail à durée "
     "indéterminée, signé quand votre chiffre d'affaires permet de vous verser un salaire.",
     "contrat d'entrepreneur salarié associé"),
    ("Entrepreneur·e salarié·e", "Une personne qui mène sa propre activité au sein de la "
     "coopérative et qui en est salariée.", "entrepreneur salarié, entrepreneure salariée"),
    ("Sociétariat", "Le fait de devenir associé·e de la coopérative : vous achetez des parts "
     "sociales et vous votez en assemblée générale.", "sociétaire, sociétaires"),
    ("Part sociale", "Une part du capital de la coopérative. En acheter fait de vous un·e "
     "sociétaire ; elle vous est remboursée si vous partez.", "parts sociales"),
    ("Assemblée générale", "La réunion annuelle des sociétaires : une personne, une voix, "
     "quel que soit le nombre de parts.", "AG"),
    ("Conseiller·e", "La personne de l'équipe qui vous accompagne dans votre activité. Elle "
     "voit vos demandes mais n'est pas l'intermédiaire obligé.", "accompagnateur, "
     "accompagnatrice, conseiller, conseillère"),
    ("Parrain, marraine", "Un·e sociétaire expérimenté·e qui accueille un·e nouveau·elle "
     "membre et répond à ses premières questions.", "parrainage, marrainage"),
    ("Diagnostic", "Un entretien individuel qui vérifie que votre projet convient à la "
     "coopérative et fixe un plan d'action.", ""),
    ("Réunion d'information collective", "La première étape : une présentation de la "
     "coopérative et de son fonctionnement, en groupe.", "réunion d'information"),
    ("Équipe mutualisée", "Les services que la coopérative partage entre tous ses membres : "
     "juridique, recouvrement, relation clients, comptabilité, paie, communication.",
     "équipes mutualisées, services mutualisés"),
    ("Contribution coopérative", "Le pourcentage de votre chiffre d'affaires versé à la "
     "coopérative pour financer les services mutualisés.", "contribution"),
    ("Devis", "Une proposition de prix détaillée que le client accepte avant la prestation. "
     "Obligatoire en services à la personne à partir de 100 € TTC.", ""),
    ("Facture", "Le document qui demande le paiement d'une prestation réalisée ; elle porte "
     "une date d'échéance.", "factures"),
    ("Acompte", "Une partie du prix payée d'avance, à la signature du devis.", "acomptes"),
    ("Avoir", "Un document qui annule tout ou partie d'une facture déjà émise.", ""),
    ("Échéance", "La date à laquelle le client doit avoir payé la facture.",
     "date d'échéance"),
    ("Relance", "Un rappel envoyé au client qui n'a pas payé à l'échéance. La coopérative "
     "en envoie deux, avec votre accord.", "relances"),
    ("Mise en demeure", "Une lettre recommandée qui exige le paiement sous un délai : la "
     "dernière étape avant le contentieux.", ""),
    ("Contentieux", "La procédure en justice pour être payé·e : huissier, puis tribunal.",
     ""),
    ("Note de frais", "La demande de remboursement des dépenses que vous avez avancées pour "
     "votre activité, avec leurs justificatifs.", "notes de frais"),
    ("Justificatif", "La facture ou le ticket qui prouve une dépense.", "justificatifs"),
    ("Fiche de paie", "Le bulletin mensuel qui détaille votre salaire brut, vos cotisations "
     "et votre salaire net.", "bulletin de paie, fiches de paie"),
    ("Prévoyance", "Une assurance obligatoire, partagée entre vous et la coopérative, qui "
     "couvre l'incapacité de travail, l'invalidité et le décès.", ""),
    ("Services à la personne", "Ménage, garde d'enfants, soutien scolaire, aide aux "
     "personnes âgées… Un secteur aux règles propres : devis obligatoire, crédit d'impôt "
     "pour le client.", "SAP"),
    ("TVA", "La taxe sur la valeur ajoutée que vous facturez à vos clients et que la "
     "coopérative reverse à l'État.", "taxe sur la valeur ajoutée"),
    ("Chiffre d'affaires", "Le total de ce que vous facturez, hors taxes.", "CA"),
    ("Trésorerie", "L'argent disponible sur le compte de votre activité à un moment donné.",
     ""),
    ("RC Pro", "L'assurance responsabilité civile professionnelle : elle couvre les dommages "
     "causés à vos clients. La coopérative l'assure pour vous.",
     "responsabilité civile professionnelle"),
]

SEND_QUOTE = """\
Un devis clair évite la plupart des malentendus avec un client. Voici comment faire, du
brouillon à la signature.

## 1. Rédiger le devis

- Décrivez la prestation avec les mots du client : ce qui est fait, quand, où.
- Indiquez le prix hors taxes, la TVA et le total TTC.
- Précisez la durée de validité du devis (un mois est courant) et l'acompte demandé.

## 2. L'envoyer

Depuis votre espace, choisissez **Envoyer au client** : le client reçoit un lien pour le
lire et le signer en ligne. Le devis passe à l'état *envoyé*.

## 3. Suivre la réponse

- Le client signe : le devis est *gagné*, vous pouvez commencer.
- Le client refuse : marquez-le *perdu*, cela aide à suivre votre activité.
- Sans réponse au bout de deux semaines, une relance aimable suffit souvent.

Un doute sur les mentions obligatoires ? L'équipe Relation clients relit volontiers votre
premier devis.
"""

SEND_QUOTE_V2 = SEND_QUOTE.replace(
    "- Précisez la durée de validité du devis (un mois est courant) et l'acompte demandé.",
    "- Précisez la durée de validité du devis (un mois est courant) et l'acompte demandé "
    "(30 % est l'usage pour une première commande).\n- En services à la personne, le devis "
    "est obligatoire à partir de 100 € TTC.",
)

SAP_QUOTE = """\
Dans les services à la personne, la loi impose un devis **avant** toute prestation dont le
prix atteint ou dépasse **100 € TTC**, et pour toute demande du client, quel que soit le montant.

## Ce que le devis doit indiquer

- votre nom et celui de la coopérative, avec son numéro d'agrément ;
- la nature exacte des services et leur durée ;
- le prix horaire ou forfaitaire, TTC ;
- les frais de déplacement s'il y en a.

## Exemple

Une cliente vous demande 8 heures de ménage par mois à 25 € de l'heure : 200 € TTC par
mois. Le devis est obligatoire, même si elle est d'accord sur le prix.

Gardez une copie signée : elle vous protège en cas de désaccord.
"""

EXPENSES = """\
Vous avez avancé une dépense pour votre activité (train, matériel, repas avec un client) ?
La coopérative vous la rembourse par une note de frais.

## 1. Garder le justificatif

Photographiez la facture ou le ticket dès l'achat. Sans justificatif, pas de remboursement.

## 2. Déclarer la note de frais

Dans votre espace, ajoutez la dépense, sa date, son montant TTC et la photo. Pour la
voiture, indiquez les kilomètres : le barème kilométrique s'applique.

## 3. Validation et paiement

- L'équipe Comptabilité vérifie la note sous 72 heures ouvrées.
- Le remboursement est versé **avec votre prochaine fiche de paie**, à condition que la
  trésorerie de votre activité le permette.
- Pendant le CAPE, le remboursement est versé par virement séparé.

## Pourquoi mon remboursement attend-il ?

Le plus souvent, la trésorerie de l'activité est insuffisante : un client n'a pas encore
payé. Dès que le paiement arrive, le remboursement part.
"""

CAPE_FR = """\
Le CAPE (contrat d'appui au projet d'entreprise) est le contrat que vous signez avec la
coopérative après le diagnostic, pour tester votre activité en conditions réelles.

## Ce que le CAPE vous apporte

- l'hébergement juridique de votre activité : vous facturez au nom de la coopérative ;
- deux journées d'accueil et un accompagnement individuel par votre conseillère ou conseiller ;
- un parcours de professionnalisation de 5 mois ;
- l'assurance RC Pro.

## Combien de temps ?

De 1 à 6 mois, renouvelable. Pendant le CAPE, vous n'êtes pas salarié·e de la coopérative :
vous gardez vos droits (allocations France Travail par exemple).

## Et après ?

Quand votre chiffre d'affaires permet de vous verser un salaire, vous signez un CESA et
devenez entrepreneur·e salarié·e.
"""

CAPE_EN = """\
The CAPE (*contrat d'appui au projet d'entreprise*, business project support contract) is the
contract you sign with the cooperative after the diagnosis, to test your activity for real.

## What the CAPE gives you

- legal hosting of your activity: you invoice in the cooperative's name;
- two welcome days and individual coaching by your advisor;
- a 5-month professionalisation course;
- professional liability insurance.

## How long?

From 1 to 6 months, renewable. During the CAPE you are not an employee of the cooperative:
you keep your rights, such as unemployment benefits.

## And then?

When your revenue allows a salary, you sign a CESA and become a salaried entrepreneur.
"""

CESA = """\
Le CESA (contrat d'entrepreneur salarié associé) est un contrat de travail à durée
indéterminée. Vous le signez quand votre activité permet de vous verser un salaire régulier.

## Les conditions

- un chiffre d'affaires suffisant et régulier, vu avec votre conseillère ou conseiller ;
- la fin de votre CAPE (ou son renouvellement arrivé à terme).

## Ce qui change

- vous recevez chaque mois une fiche de paie ;
- vous cotisez au chômage, à la retraite et à la prévoyance ;
- dans les trois ans, vous êtes invité·e à devenir sociétaire.
"""

MEMBERSHIP = """\
Devenir sociétaire, c'est devenir associé·e de la coopérative : vous en êtes copropriétaire
et vous participez aux décisions.

## Comment ?

1. Votre conseillère ou conseiller vous le propose, en général dans les trois ans qui
   suivent votre CESA.
2. Vous achetez des parts sociales (le montant est fixé par les statuts).
3. L'assemblée générale valide votre entrée.

## Ce que cela change

Une personne, une voix en assemblée générale, quel que soit le nombre de parts. Vous pouvez
aussi vous présenter au conseil d'administration.
"""

UNPAID = """\
Votre client n'a pas payé à la date d'échéance ? Pas de panique : c'est fréquent, et la
coopérative a une procédure qui respecte votre relation avec lui.

## Les étapes

1. **Première relance**, amicale, quelques jours après l'échéance.
2. **Deuxième relance**, plus ferme, deux semaines plus tard.
3. **Mise en demeure** par lettre recommandée.
4. **Contentieux** : huissier, puis tribunal.

## Vous gardez la main

À chaque étape, vous choisissez « D'accord, allez-y » ou « Attendre mon accord » :
par exemple, attendre avant une relance si vous préférez appeler vous-même le client.
Réglez vos préférences une fois pour toutes dans « Ce que le service peut faire sans me
demander », et changez-les pour une facture précise depuis sa page si besoin.

Le client demande à payer en plusieurs fois ? L'équipe Recouvrement peut proposer un
échéancier.
"""

PAYSLIP = """\
Votre fiche de paie se lit de haut en bas : du salaire brut au salaire net.

## Les lignes principales

- **Salaire de base** : le montant fixé avec la coopérative pour ce mois.
- **Cotisations** : santé, retraite, chômage, prévoyance ; une part est à votre charge,
  l'autre à celle de la coopérative (payée par votre activité).
- **Net à payer** : ce que vous recevez sur votre compte.
- **Remboursements de frais** : ajoutés après le net, ils ne sont pas du salaire.

Une ligne vous échappe ? Le lexique explique les termes, et l'équipe Paie répond à vos
questions.
"""

SALARY = """\
Chaque mois, vous pouvez ajuster votre salaire à votre chiffre d'affaires et à votre
trésorerie.

## Avant le 20 du mois

Indiquez le salaire souhaité dans votre espace. La coopérative calcule le coût total
(salaire et cotisations) et vérifie que la trésorerie de votre activité le couvre.

## Bon à savoir

- Un salaire régulier lisse vos revenus, même si vos factures sont irrégulières.
- Une prime peut être versée en fin d'année si l'activité a bien marché.
"""

STAFF_PROCEDURE = """\
Procédure interne pour valider une note de frais.

1. Vérifier que chaque dépense a un justificatif lisible et daté.
2. Vérifier le lien avec l'activité (objet, client, déplacement).
3. Contrôler la trésorerie de l'activité avant de programmer le paiement.
4. En cas de refus, expliquer le motif au membre dans la demande.
"""

MEMBER_TUTORIAL = """\
Je suis formatrice et j'envoie une dizaine de devis par mois. Voici comment je fais signer
mes devis en ligne sans imprimer une seule feuille.

## Avant d'envoyer

- Je relis le devis avec le client au téléphone : cela évite les surprises.
- Je vérifie l'adresse e-mail du client : c'est là qu'arrive le lien de signature.

## L'envoi

Depuis mon espace, je clique sur **Envoyer au client**. J'ajoute un message court :
« Voici le devis dont nous avons parlé, vous pouvez le signer en ligne. »

## Après

- Le client signe : je reçois une notification et le devis passe à *gagné*.
- Pas de réponse après une semaine : un petit appel marche mieux qu'un e-mail.

Astuce : je demande un acompte de 30 % pour une première commande.
"""

MILEAGE = """\
Pour déclarer mes kilomètres, j'utilise un tableau tout simple : date, trajet, client,
kilomètres. Je le joins à ma note de frais à la fin du mois.

- Je note le trajet le jour même.
- J'indique le client pour chaque trajet.
"""

SECOND_HAND = """\
J'ai acheté une perceuse d'occasion à un particulier. Comment la faire rembourser ?
"""


# The "how to" of the path's tasks (journeys/demo.py links them by slug) and what a newcomer
# reads before the information meeting.
HOW_CAE_WORKS = """\
Une coopérative d'activités et d'emploi (CAE) vous permet de lancer votre activité sans
créer d'entreprise : vous gardez votre autonomie, la coopérative porte le cadre juridique,
la comptabilité et la paie.

## Les étapes

1. La réunion d'information collective, pour découvrir la coopérative.
2. Un diagnostic individuel avec un·e conseiller·e.
3. Le CAPE, de un à six mois, pour tester votre activité.
4. Le contrat d'entrepreneur·e salarié·e (CESA), quand votre chiffre d'affaires le permet.
5. Le sociétariat : vous devenez associé·e.
"""

PROJECT_PAGE = """\
Avant votre diagnostic, décrivez votre projet en une page. Pas besoin d'un plan
d'affaires : quelques lignes suffisent.

- Ce que vous proposez, et à qui.
- Comment vous trouverez vos premiers clients.
- Vos prix, même approximatifs.
- Ce dont vous avez besoin pour démarrer.

Envoyez-la à votre conseiller·e : vous en parlerez ensemble au diagnostic.
"""

WELCOME_DAYS = """\
Dès la signature du CAPE, vous êtes invité·e à deux journées d'accueil avec les autres
nouveaux et nouvelles entrepreneur·es.

- Le fonctionnement de la coopérative et de ses équipes.
- Vos outils : devis, factures, notes de frais.
- Un temps d'échange avec des sociétaires expérimenté·es.
"""

TRAINING = """\
Le parcours de professionnalisation dure cinq mois, à raison d'un atelier par semaine :
commercial, gestion, communication, droit. Inscrivez-vous dès le premier mois du CAPE
auprès de votre conseiller·e.
"""

LIABILITY = """\
La coopérative assure votre activité en responsabilité civile professionnelle dès la
signature du CAPE : les dommages causés à vos clients pendant votre travail sont couverts.
L'équipe juridique vérifie que votre activité entre dans le contrat, et vous dit s'il faut
une garantie de plus (bâtiment, santé).
"""

SAP_DECLARATION = """\
Pour que vos clients aient droit au crédit d'impôt de 50 %, votre activité de services à
la personne doit être déclarée. L'équipe juridique s'en charge avec vous.

- Vérifiez que votre activité figure dans la liste des services à la personne.
- Exercez-la au domicile de vos clients.
- Établissez un devis dès 100 € TTC.
"""


def _unwrap(text: str) -> str:
    """The texts above are wrapped for reading here; the renderer keeps line breaks, so
    join each paragraph's lines back, as a person typing in the form would have."""
    lines: list[str] = []
    for line in text.splitlines():
        block = not line.strip() or re.match(r"^\s*(#|-|\d+\.|>)", line)
        if lines and lines[-1].strip() and not block:
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def _topic(slug: str) -> Topic:
    return Topic.objects.get(slug=slug)


def _category(label: str) -> Category:
    return Category.objects.get(label=label)


def load_glossary() -> None:
    for term, definition, synonyms in TERMS:
        actions.save_term(Term(term=term, definition=definition, synonyms=synonyms))


def _published(author, reviewer, **fields) -> Article:
    fields["body"] = _unwrap(fields["body"])
    article = actions.create_article(by=author, **fields)
    return actions.publish_article(article, by=reviewer)


def load_articles(people: People) -> dict[str, Article]:
    a, m = people.agents, people.members
    articles: dict[str, Article] = {}
    articles["quote"] = _published(
        a["thomas"], a["thomas"], title="Comment envoyer un devis à un client",
        summary="Rédiger, envoyer et suivre un devis, de la première ligne à la signature.",
        body=SEND_QUOTE, topic=_topic("devis-factures"), tags=["devis", "client"],
        categories=[_category("Faire un devis ou une facture")], stages=["cape", "salaried"],
        owner=a["thomas"],
    )
    actions.update_article(
        articles["quote"], by=a["thomas"], body=_unwrap(SEND_QUOTE_V2),
        note="Ajout de l'acompte d'usage et de la règle des services à la personne.",
    )
    articles["sap"] = _published(
        a["thomas"], a["thomas"], title="Services à la personne : le devis obligatoire dès 100 €",
        summary="Quand le devis est obligatoire en services à la personne, et ce qu'il doit "
        "contenir.", body=SAP_QUOTE, topic=_topic("devis-factures"),
        tags=["devis", "services à la personne"],
        categories=[_category("Faire un devis ou une facture")], owner=a["thomas"],
    )
    articles["expenses"] = _published(
        a["emilie"], a["emilie"], title="Comment est remboursée une note de frais",
        summary="Justificatif, déclaration, validation : quand et comment vos frais avancés "
        "vous sont remboursés.", body=EXPENSES, topic=_topic("frais"),
        tags=["frais", "remboursement"], categories=[_category("Une note de frais")],
        stages=["cape", "salaried"], owner=a["emilie"],
    )
    articles["cape"] = _published(
        a["lea"], a["lea"], title="Qu'est-ce que le CAPE ?",
        summary="Le contrat qui vous permet de tester votre activité, de 1 à 6 mois, "
        "accompagné·e par la coopérative.", body=CAPE_FR, topic=_topic("demarrer"),
        audience=Audience.PUBLIC, tags=["CAPE", "démarrer"], stages=["diagnosis", "cape"],
        owner=a["lea"],
    )
    articles["cape_en"] = _published(
        a["lea"], a["lea"], title="What is a CAPE?",
        summary="The contract that lets you test your activity for 1 to 6 months, coached by "
        "the cooperative.", body=CAPE_EN, topic=_topic("demarrer"), language="en",
        audience=Audience.PUBLIC, translation_of=articles["cape"], stages=["cape"],
        owner=a["lea"],
    )
    articles["cesa"] = _published(
        a["lea"], a["lea"], title="Passer en CESA : devenir entrepreneur·e salarié·e",
        summary="Quand et comment signer votre contrat de travail avec la coopérative.",
        body=CESA, topic=_topic("demarrer"), tags=["CESA", "salariat"], stages=["salaried"],
        owner=a["lea"],
    )
    articles["membership"] = _published(
        a["julien"], a["julien"], title="Devenir sociétaire",
        summary="Devenir associé·e de la coopérative : parts sociales, assemblée générale, "
        "une personne une voix.", body=MEMBERSHIP, topic=_topic("cooperative"),
        audience=Audience.PUBLIC, tags=["sociétariat"], stages=["associate"],
        owner=a["julien"],
    )
    articles["unpaid"] = _published(
        a["nadia"], a["nadia"], title="Que faire quand un client ne paie pas",
        summary="Une facture reste impayée : relances, mise en demeure, contentieux, les "
        "étapes et comment vous gardez la main à chacune.", body=UNPAID, topic=_topic("clients"),
        tags=["impayé", "relance"], categories=[_category("Une facture impayée"),
                                                _category("Suspendre une relance")],
        stages=["cape", "salaried"], owner=a["nadia"],
    )
    articles["payslip"] = _published(
        a["marc"], a["marc"], title="Comprendre sa fiche de paie",
        summary="Du salaire brut au net à payer : les lignes de votre fiche de paie "
        "expliquées.", body=PAYSLIP, topic=_topic("paie"), tags=["paie"],
        categories=[_category("Une question sur ma fiche de paie")], stages=["salaried"],
        owner=a["marc"],
    )
    articles["salary"] = _published(
        a["marc"], a["marc"], title="Fixer son salaire du mois",
        summary="Ajuster chaque mois votre salaire à votre chiffre d'affaires et à votre "
        "trésorerie.", body=SALARY, topic=_topic("paie"), tags=["paie", "salaire"],
        categories=[_category("Fixer mon salaire du mois")], owner=a["marc"],
    )
    articles["how_cae_works"] = _published(
        a["lea"], a["lea"], title="Une CAE, comment ça marche ?",
        summary="Entreprendre sans créer d'entreprise : ce que la coopérative fait pour vous, "
        "et les étapes du parcours.", body=HOW_CAE_WORKS, topic=_topic("demarrer"),
        audience=Audience.PUBLIC, tags=["démarrer"], stages=["info_meeting"], owner=a["lea"],
    )
    articles["project_page"] = _published(
        a["lea"], a["lea"], title="Décrire son projet en une page",
        summary="Ce qu'il faut écrire avant le diagnostic, en quelques lignes.",
        body=PROJECT_PAGE, topic=_topic("demarrer"), audience=Audience.PUBLIC,
        tags=["diagnostic"], stages=["diagnosis"], owner=a["lea"],
    )
    for key, title, summary, body, author in [
        ("welcome_days", "Les deux journées d'accueil",
         "Deux journées pour bien démarrer votre CAPE avec les autres nouveaux venus.",
         WELCOME_DAYS, "lea"),
        ("training", "Le parcours de professionnalisation",
         "Cinq mois d'ateliers pour apprendre votre métier d'entrepreneur·e.", TRAINING, "lea"),
        ("liability", "Assurance RC Pro : ce qui est couvert",
         "Votre responsabilité civile professionnelle, prise en charge par la coopérative.",
         LIABILITY, "julien"),
        ("sap_declaration", "Déclarer une activité de services à la personne",
         "La déclaration qui ouvre à vos clients le crédit d'impôt, faite avec l'équipe "
         "juridique.", SAP_DECLARATION, "julien"),
    ]:
        articles[key] = _published(
            a[author], a[author], title=title, summary=summary, body=body,
            topic=_topic("demarrer"), owner=a[author],
        )
    articles["staff"] = _published(
        a["emilie"], a["emilie"], title="Procédure interne : valider une note de frais",
        summary="Les contrôles de l'équipe Comptabilité avant de rembourser des frais.",
        body=STAFF_PROCEDURE, topic=_topic("frais"), audience=Audience.STAFF,
        owner=a["emilie"],
    )
    # A salary article whose yearly check is due: its owner is told by the worker job.
    Article.objects.filter(pk=articles["salary"].pk).update(
        review_by=timezone.localdate() - timedelta(days=2)
    )

    # Camille, expert member for quotes, wrote a tutorial: reviewed, changed, published.
    tutorial = actions.create_article(
        by=m["camille"], title="Faire signer un devis en ligne : mon mode d'emploi",
        summary="Une formatrice raconte comment elle fait signer ses devis sans imprimer.",
        body=_unwrap(MEMBER_TUTORIAL.replace("Astuce : je demande un acompte de 30 % pour "
                                             "une première commande.\n", "")),
        topic=_topic("devis-factures"), tags=["devis", "signature"],
    )
    actions.submit_article(tutorial, by=m["camille"])
    actions.request_changes(
        tutorial, by=a["thomas"],
        note="Merci Camille, c'est très clair ! Pouvez-vous ajouter votre astuce sur "
        "l'acompte dont vous parliez en atelier ?",
    )
    actions.update_article(tutorial, by=m["camille"], body=_unwrap(MEMBER_TUTORIAL))
    actions.comment_on_article(tutorial, by=m["camille"], body="C'est ajouté, à la fin.")
    actions.submit_article(tutorial, by=m["camille"])
    articles["tutorial"] = actions.publish_article(
        tutorial, by=a["thomas"], note="Première publication, merci Camille !"
    )

    # Lucas's tutorial waits for a review; Hugo's question was sent back with changes.
    mileage = actions.create_article(
        by=m["lucas"], title="Déclarer ses kilomètres : mon tableau tout prêt",
        summary="Un tableau simple pour noter vos trajets et les joindre à la note de frais.",
        body=_unwrap(MILEAGE), topic=_topic("frais"), tags=["frais", "kilomètres"],
    )
    actions.submit_article(mileage, by=m["lucas"])
    second_hand = actions.create_article(
        by=m["hugo"], title="Acheter du matériel d'occasion",
        summary="Faire rembourser un achat d'occasion à un particulier.",
        body=_unwrap(SECOND_HAND), topic=_topic("frais"),
    )
    actions.submit_article(second_hand, by=m["hugo"])
    actions.request_changes(
        second_hand, by=a["emilie"],
        note="Bonne idée de tutoriel ! Il faudrait expliquer le justificatif à demander au "
        "particulier (une attestation de vente datée et signée).",
    )
    return articles


def load_guide(articles: dict[str, Article]) -> Guide:
    guide = Guide.objects.create(
        title="Un souci avec un client ?", slug="souci-client", is_published=True,
        intro="Facture impayée, devis, désaccord : répondez à quelques questions, nous vous "
        "menons à la bonne fiche ou à la bonne équipe.",
    )

    def node(kind: str, text: str, **extra) -> GuideNode:
        return GuideNode.objects.create(guide=guide, kind=kind, text=text, **extra)

    def choices(question: GuideNode, *pairs: tuple[str, GuideNode]) -> None:
        for position, (label, target) in enumerate(pairs):
            GuideChoice.objects.create(node=question, label=label, target=target,
                                       position=position)

    start = node(NodeKind.QUESTION, "Quel est votre souci ?")
    unpaid = node(NodeKind.QUESTION, "La date d'échéance de la facture est-elle dépassée ?")
    quote = node(NodeKind.QUESTION, "Votre prestation relève-t-elle des services à la "
                 "personne (ménage, garde d'enfants, soutien scolaire…) ?")
    silent = node(NodeKind.QUESTION, "Le client vous a-t-il répondu ?")
    not_due = node(NodeKind.MESSAGE, "Patience : tant que l'échéance n'est pas passée, le "
                   "client est dans les temps. La première relance partira quelques jours "
                   "après l'échéance, si vous êtes d'accord.")
    read_unpaid = node(NodeKind.ARTICLE, "Les premières relances suffisent souvent. Voici "
                       "comment elles se passent, et comment garder la main.",
                       article=articles["unpaid"])
    ask_collections = node(NodeKind.REQUEST, "Le service Recouvrement prend le relais : il "
                           "relance le client pour vous, avec votre accord à chaque étape.",
                           category=_category("Une facture impayée"))
    ask_schedule = node(NodeKind.REQUEST, "Un échéancier écrit protège tout le monde. Le "
                        "service Recouvrement le prépare avec vous.",
                        category=_category("Proposer un échéancier à un client"))
    ask_legal = node(NodeKind.REQUEST, "Une menace de procès se traite avec le service "
                     "juridique, sans attendre.", category=_category("Un litige avec un client"))
    dispute = node(NodeKind.REQUEST, "Un désaccord sur la prestation se règle souvent par "
                   "une discussion préparée. L'équipe Relation clients vous aide.",
                   category=_category("Un différend avec un client"))
    read_sap = node(NodeKind.ARTICLE, "En services à la personne, le devis est obligatoire "
                    "dès 100 € TTC.", article=articles["sap"])
    read_quote = node(NodeKind.ARTICLE, "Voici la marche à suivre.", article=articles["quote"])
    ask_quote = node(NodeKind.REQUEST, "L'équipe Relation clients vous dit si votre "
                     "prestation relève des services à la personne.",
                     category=_category("Faire un devis ou une facture"))

    choices(start, ("Mon client ne m'a pas payé", unpaid),
            ("Je dois faire un devis", quote),
            ("Mon client conteste ma prestation", dispute))
    choices(unpaid, ("Non, pas encore", not_due),
            ("Oui, depuis moins de 30 jours", read_unpaid),
            ("Oui, depuis plus de 30 jours", silent))
    choices(silent, ("Il ne répond plus", ask_collections),
            ("Il demande à payer en plusieurs fois", ask_schedule),
            ("Il menace d'aller en justice", ask_legal))
    choices(quote, ("Oui", read_sap), ("Non", read_quote), ("Je ne sais pas", ask_quote))
    guide.start = start
    guide.save()
    return actions.save_guide(guide)


def load_kit(articles: dict[str, Article], guide: Guide) -> Kit:
    kit = Kit.objects.create(
        title="Le kit du nouveau et de la nouvelle sociétaire", slug="bienvenue",
        for_new_members=True,
        intro="L'essentiel de la réunion d'information, à relire à votre rythme, et le "
        "catalogue des services pour savoir à qui vous adresser.",
    )
    items = [
        (articles["cape"], None, "Votre contrat pour démarrer."),
        (articles["quote"], None, "Votre premier devis."),
        (articles["expenses"], None, "Être remboursé·e de ce que vous avancez."),
        (articles["payslip"], None, "Lire votre première fiche de paie."),
        (None, guide, "Le jour où un client pose problème."),
        (articles["membership"], None, "Pour plus tard : devenir associé·e."),
    ]
    for position, (article, item_guide, note) in enumerate(items):
        KitItem.objects.create(kit=kit, position=position, article=article, guide=item_guide,
                               note=note)
    return kit


def load(people: People) -> None:
    a, m = people.agents, people.members
    for position, (slug, name, description, editor) in enumerate(TOPICS):
        Topic.objects.create(slug=slug, name=name, description=description, position=position,
                             editor=a[editor])
    expert = Expert.objects.create(
        user=m["camille"], mandate="Membre experte élue, bureau de Lyon, 2026–2027",
        until=timezone.localdate() + timedelta(days=365),
    )
    expert.topics.set([_topic("devis-factures")])
    load_glossary()
    articles = load_articles(people)
    for term, article in [("CAPE", "cape"), ("CESA", "cesa"), ("Sociétariat", "membership"),
                          ("Note de frais", "expenses"), ("Relance", "unpaid"),
                          ("Fiche de paie", "payslip")]:
        Term.objects.filter(term=term).update(article=articles[article])
    guide = load_guide(articles)
    load_kit(articles, guide)

    actions.give_feedback(articles["expenses"], by=m["ines"], helpful=True)
    actions.give_feedback(
        articles["expenses"], by=m["hugo"], helpful=False,
        comment="Je ne comprends pas pourquoi mon remboursement attend depuis un mois.",
    )
    actions.give_feedback(articles["quote"], by=m["noah"], helpful=True)
    actions.record_deflection(by=m["sarah"], article=articles["quote"],
                              query="Comment envoyer mon devis ?",
                              category=_category("Faire un devis ou une facture"))
    actions.record_deflection(by=m["mathis"], article=articles["expenses"],
                              query="remboursement note de frais train",
                              category=_category("Une note de frais"))
    actions.flag_stale_articles()
