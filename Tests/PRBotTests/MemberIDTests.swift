import Testing
@testable import PRBot

@Suite struct MemberIDTests {
    @Test(arguments: [
        ("Camille", "Dupont-Léger", "camille.dupont-leger"),
        ("Marie Claire", "de la Fontaine", "marie_claire.de_la_fontaine"),
        ("Chloé", "d'Arcy", "chloe.darcy"),
        ("Anne-Sophie", "Benali", "anne-sophie.benali"),
        ("Bérénice", "Da Silva", "berenice.da_silva"),
        ("Œdipe", "Cœur", "oedipe.coeur"),
        ("  Zoë ", " Ñúñez  ", "zoe.nunez"),
        ("Jean", "Dupont 2", "jean.dupont"),
    ])
    func derivesTheRepositoryID(first: String, last: String, id: String) {
        #expect(MemberID.derive(firstname: first, lastname: last) == id)
    }

    @Test func nothingLeftIsNoID() {
        #expect(MemberID.derive(firstname: "李", lastname: "小龙") == nil)
        #expect(MemberID.derive(firstname: "../..", lastname: "etc") == nil)
        #expect(MemberID.derive(firstname: "a/b", lastname: "c") == "ab.c")
    }

    @Test func fullnameSplitsAtItsFirstSpace() {
        #expect(MemberID.names(fullname: "Camille Dupont-Léger")! == ("Camille", "Dupont-Léger"))
        #expect(MemberID.names(fullname: " Marie Claire de la Fontaine ")! == ("Marie", "Claire de la Fontaine"))
        #expect(MemberID.names(fullname: "Mononyme") == nil)
    }
}
