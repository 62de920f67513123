/// Writes a synthetic content tree at any scale, for benchmarks and load tests.
///
/// Proportions follow the real repository (≈3,500 authors for 660 startups, 25 incubators,
/// 150 organisations, 35 teams; ≈4 MB in all), and so do the traps of FICHES.md: CRLF files,
/// `---` and setext headings in bodies, empty bodies, quoted numeric `github`, bare `github:`,
/// legacy `previously`/`startups` lists, large data-URI avatars, accented startup ids. The
/// output is deterministic for a seed and always passes ``Validator`` without errors.
public struct CorpusGenerator: Sendable {
    public var authors: Int
    public var seed: UInt64
    /// Day the generated missions are centred on (so ~60 % of members are active then).
    public var today: FicheDate

    public init(authors: Int = 50_000, seed: UInt64 = 1, today: FicheDate) {
        self.authors = authors
        self.seed = seed
        self.today = today
    }

    public var startupCount: Int { max(4, authors * 660 / 3_500) }
    public var incubatorCount: Int { max(3, min(authors * 25 / 3_500, 400)) }
    public var organisationCount: Int { max(3, authors * 150 / 3_500) }
    public var teamCount: Int { max(2, authors * 35 / 3_500) }

    /// Every file of the tree, paths relative to the repository root.
    public func files() -> [GitRepository.FileWrite] {
        var rng = SplitMix64(seed: seed)
        var out: [GitRepository.FileWrite] = []
        out.reserveCapacity(authors + startupCount + incubatorCount + organisationCount + teamCount)

        let organisations = (0..<organisationCount).map { "organisation-\(Self.letters($0))" }
        let incubators = (0..<incubatorCount).map { "incubateur-\(Self.letters($0))" }
        let teams = (0..<teamCount).map { "equipe-\(Self.letters($0))" }
        var startups = (0..<startupCount).map { "\(Self.words[$0 % Self.words.count])-\($0)" }
        startups[min(1, startups.count - 1)] = "e-inspé"
        startups[min(2, startups.count - 1)] = "auxAJ"

        for (i, id) in organisations.enumerated() {
            out.append(file("content/_organisations/\(id).md", crlf: false, """
            ---
            name: Organisation \(Self.letters(i).uppercased())
            acronym: ORG-\(Self.letters(i).uppercased())
            domaine_ministeriel: \(["bercy", "sante", "interieur", "culture", "travail"][i % 5])
            type: \(["ministere", "operateur", "collectivite"][i % 3])
            ---

            """))
        }
        for (i, id) in incubators.enumerated() {
            out.append(file("content/_incubators/\(id).md", crlf: false, """
            ---
            title: Incubateur \(Self.letters(i).uppercased())
            owner: /organisations/\(organisations[i % organisations.count])
            contact: contact@\(id).example.org
            address: \(i + 1) rue de la République, Paris
            website: https://\(id).example.org
            github: https://github.com/\(id)
            highlighted_startups:
              - \(startups[i % startups.count])
            short_description: Un incubateur de services publics numériques.
            ---
            L'incubateur accompagne les équipes de ses administrations.

            """))
        }
        for (i, id) in teams.enumerated() {
            out.append(file("content/_teams/\(id).md", crlf: false, """
            ---
            name: Équipe \(Self.letters(i).uppercased())
            mission: Soutenir les startups d'État de l'incubateur.
            incubator: \(incubators[i % incubators.count])
            ---

            """))
        }
        for (i, id) in startups.enumerated() {
            out.append(startup(id, index: i, incubators: incubators, organisations: organisations, rng: &rng))
        }
        var used = Set<String>()
        for i in 0..<authors {
            out.append(author(index: i, startups: startups, teams: teams, incubators: incubators, used: &used, rng: &rng))
        }
        return out
    }

    private func file(_ path: String, crlf: Bool, _ text: String) -> GitRepository.FileWrite {
        let content = crlf ? text.replacingOccurrences(of: "\n", with: "\r\n") : text
        return GitRepository.FileWrite(path: path, bytes: Array(content.utf8))
    }

    private func startup(_ id: String, index i: Int, incubators: [String], organisations: [String],
                         rng: inout SplitMix64) -> GitRepository.FileWrite {
        let incubator = incubators[i % incubators.count]
        let start = today.adding(days: -rng.below(2_500) - 60)
        let construction = start.adding(days: 60 + rng.below(200))
        var phases = """
            phases:
              - name: investigation
                start: \(start)
                end: \(construction)
              - name: construction
                start: \(construction)
            """
        if rng.below(3) == 0 {
            phases += "\n    end: \(construction.adding(days: 300))\n  - name: acceleration\n    start: \(construction.adding(days: 300))"
        }
        let sponsor = organisations[i % organisations.count]
        var extra = ""
        if i % 7 == 0 { extra += "fast:\n  promotion: \(1 + i % 9)\n  montant: \(50_000 + 1_000 * (i % 50))\n" }
        if i % 11 == 0, incubators.count > 1 {
            extra += "incubators:\n  - \(incubator)\n  - \(incubators[(i + 1) % incubators.count])\n"
        }
        if i % 5 == 0 { extra += "analyse_risques: true\nmon_service_securise: no\n" }
        let body = (0..<(3 + rng.below(4))).map { p in
            "## Partie \(p + 1)\n\n" + Self.paragraph(&rng, sentences: 4 + rng.below(5))
        }.joined(separator: "\n\n")
        let setext = i % 9 == 0 ? "\n\nLe problème\n-----------\n\nUn paragraphe sous un titre souligné.\n\n---\n\nAprès une ligne horizontale." : ""
        return file("content/_startups/\(id).md", crlf: i % 40 == 3, """
        ---
        title: \(Self.words[i % Self.words.count].capitalized) \(Self.words[(i * 7 + 3) % Self.words.count])
        mission: Simplifier la démarche « \(Self.words[(i * 3) % Self.words.count]) » pour les usagers et les agents.
        incubator: \(incubator)
        contact: contact@\(id.unicodeScalars.allSatisfy(\.isASCII) ? id : "startup-\(i)").beta.gouv.fr
        link: \(i % 4 == 0 ? "''" : "https://\(i).startup.example.org")
        repository: https://github.com/betagouv/startup-\(i)
        sponsors:
          - /organisations/\(sponsor)
        \(phases)
        events:
          - name: product_launch
            date: \(construction.adding(days: 30))
        usertypes:
          - particulier
          - agent-public
        thematiques:
          - \(Self.words[(i * 5) % Self.words.count])
        techno:
          - \(["Ruby on Rails", "Django", "Node.js", "Swift", "React"][i % 5])
        stats: \(["true", "false", "yes", "no", "on"][i % 5])
        accessibility_status: \(["non conforme", "partiellement conforme", "totalement conforme"][i % 3])
        \(extra)---
        \(body)\(setext)

        """)
    }

    private func author(index i: Int, startups: [String], teams: [String], incubators: [String],
                        used: inout Set<String>, rng: inout SplitMix64) -> GitRepository.FileWrite {
        let first = Self.firstNames[rng.below(Self.firstNames.count)]
        let last = Self.lastNames[rng.below(Self.lastNames.count)]
        var id = "\(Self.slug(first)).\(Self.slug(last))"
        var k = 0
        while !used.insert(id).inserted {
            k += 1
            id = "\(Self.slug(first)).\(Self.slug(last))-\(Self.letters(k))"
        }
        // ~60 % active on `today`, a few starting later, the rest expired.
        let roll = rng.below(100)
        let end = roll < 55 ? today.adding(days: 1 + rng.below(700))
            : roll < 60 ? today.adding(days: 400 + rng.below(400))
            : today.adding(days: -1 - rng.below(2_500))
        let start = roll >= 55 && roll < 60 ? today.adding(days: 1 + rng.below(60)) : end.adding(days: -30 - rng.below(900))
        var missions = ""
        if rng.below(4) == 0 {
            let earlierEnd = start.adding(days: -1 - rng.below(60))
            missions += """
              - start: \(earlierEnd.adding(days: -100 - rng.below(600)))
                end: \(earlierEnd)
                status: \(["independent", "admin", "service"][rng.below(3)])
                employer: \(["Octo", "Scopyleft", "DINUM", "Ippon"][rng.below(4)])
                startups:
                  - \(startups[rng.below(startups.count)])

            """
        }
        // Homonyms exist but are rare: the nth namesake gets a letter, as ids do.
        let fullname = k == 0 ? "\(first) \(last)" : "\(first) \(last) \(Self.letters(k).uppercased())"
        let startup = startups[rng.below(startups.count)]
        missions += """
          - start: \(start)
            end: \(end)
            status: \(["independent", "admin", "service"][rng.below(3)])
            employer: \(["Octo", "Scopyleft", "DINUM", "Ippon", "Zenika"][rng.below(5)])
            startups:
              - \(startup)
        """
        var optional = ""
        switch rng.below(40) {
        case 0: optional += "github: \"\(100_000 + rng.below(900_000))\"\n"
        case 1: optional += "github:\n"
        case 2...25: optional += "github: \(Self.slug(first))-\(Self.slug(last).replacingOccurrences(of: "_", with: ""))\(Self.letters(k))\n"
        default: break
        }
        if rng.below(10) == 0 { optional += "previously:\n  - \(startups[rng.below(startups.count)])\n" }
        if rng.below(12) == 0 { optional += "startups:\n  - \(startup)\n" }
        if rng.below(5) == 0 { optional += "teams:\n  - /teams/\(teams[rng.below(teams.count)])\n" }
        if rng.below(3) == 0 { optional += "competences:\n  - \(["Ruby", "Python", "UX", "Accessibilité", "Data"][rng.below(5)])\n" }
        if rng.below(6) == 0 { optional += "memberType: \(["beta", "attributaire", "dinum", "autre"][rng.below(4)])\n" }
        if rng.below(4) == 0 { optional += "incubator: \(incubators[rng.below(incubators.count)])\n" }
        if i % 1_000 == 7 {
            optional += "avatar: data:image/png;base64,\(Self.base64Noise(bytes: 45_000, rng: &rng))\n"
        } else if rng.below(3) == 0 {
            optional += "avatar: /img/authors/\(id).jpg\n"
        }
        optional += rng.below(2) == 0 ? "link: ''\n" : "link: https://www.linkedin.com/in/\(id.replacingOccurrences(of: ".", with: "-"))\n"
        let body: String
        switch rng.below(10) {
        case 0: body = ""
        case 1: body = "\(Self.paragraph(&rng, sentences: 2))\n\n---\n\nAvant : \(Self.paragraph(&rng, sentences: 1))\n"
        default: body = Self.paragraph(&rng, sentences: 1 + rng.below(3)) + "\n"
        }
        let role = ["Développeuse", "Développeur", "Coach", "Designer", "Chargé de déploiement", "Product Owner", "Data scientist"][rng.below(7)]
        let domaine = Domaine.allCases[rng.below(Domaine.allCases.count)].rawValue
        return file("content/_authors/\(id).md", crlf: rng.below(50) == 0, """
        ---
        fullname: \(i % 97 == 5 ? "\" \(fullname)\"" : fullname)
        role: \(role)
        domaine: \(domaine)
        missions:
        \(missions)
        \(optional)---
        \(body)
        """)
    }

    // MARK: Material

    static let firstNames = ["Amélie", "Antoine", "Camille", "Chloé", "Élodie", "Hugo", "Inès", "Jules", "Léa", "Louis",
                             "Manon", "Mathis", "Nathan", "Noémie", "Océane", "Paul", "Raphaël", "Sarah", "Théo", "Zoé",
                             "Agnès", "Benoît", "Cécile", "Damien", "Estelle", "François", "Gaëlle", "Hélène", "Irène", "Jérôme",
                             "Karim", "Laure", "Mehdi", "Nadia", "Olivier", "Pascale", "Quentin", "Rémi", "Sophie", "Thibault",
                             "Ulysse", "Valérie", "William", "Yasmine", "Aïcha", "Baptiste", "Clément", "Diane", "Emma", "Fanny"]
    static let lastNames = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
                            "Simon", "Laurent", "Lefèvre", "Michel", "García", "David", "Bertrand", "Roux", "Vincent", "Fournier",
                            "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
                            "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
                            "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
                            "Le Gall", "De la Tour", "N'Diaye", "Saint-Martin", "Da Silva", "Masson", "Sanchez", "Denis", "Lemaire", "Duval"]
    static let words = ["aides", "territoires", "santé", "emploi", "logement", "justice", "mobilité", "énergie", "école", "culture",
                        "agriculture", "forêt", "eau", "déchets", "sport", "tourisme", "handicap", "retraite", "impôts", "douane",
                        "police", "armées", "mer", "climat", "biodiversité", "numérique", "données", "identité", "permis", "carte"]
    static let sentences = ["L'équipe construit un service simple et utile pour les usagers.",
                            "Nous mesurons l'impact chaque semaine avec les agents de terrain.",
                            "Le produit a été conçu avec les personnes qui l'utilisent au quotidien.",
                            "La démarche était longue : elle tient désormais en quelques minutes.",
                            "Les données ouvertes permettent de suivre les résultats publiquement.",
                            "Un accompagnement est proposé aux collectivités qui le souhaitent.",
                            "Le code source est ouvert et réutilisable par d'autres administrations."]

    static func paragraph(_ rng: inout SplitMix64, sentences count: Int) -> String {
        (0..<count).map { _ in sentences[rng.below(sentences.count)] }.joined(separator: " ")
    }

    /// Lowercase ASCII id part: accents removed, spaces and apostrophes to `_`.
    static func slug(_ name: String) -> String {
        let folded = name.lowercased().unicodeScalars.map { scalar -> String in
            switch scalar {
            case "à", "â", "ä": "a"
            case "é", "è", "ê", "ë": "e"
            case "î", "ï", "í": "i"
            case "ô", "ö": "o"
            case "ù", "û", "ü": "u"
            case "ç": "c"
            case " ", "'": "_"
            default: String(scalar)
            }
        }
        return folded.joined()
    }

    /// `a`, `b`, … `z`, `ba`, …: ids may not hold digits.
    public static func letters(_ n: Int) -> String {
        var n = n
        var out = ""
        repeat {
            out = String(UnicodeScalar(UInt8(97 + n % 26))) + out
            n /= 26
        } while n > 0
        return out
    }

    static func base64Noise(bytes: Int, rng: inout SplitMix64) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes * 4 / 3)
        for _ in 0..<(bytes * 4 / 3) { out.append(alphabet[rng.below(64)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A small, fast, seedable generator (Vigna's SplitMix64): the same seed gives the same corpus
/// on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
}
