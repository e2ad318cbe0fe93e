import Foundation
import HDF5
import Testing

@Suite struct AttributeTests {
    private struct Config: Codable, Equatable {
        var name: String
        var widths: [Int]
        var rate: Double
    }

    @Test func attributesOfEveryKindRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("attributes.h5")
        let config = Config(name: "lenet5", widths: [6, 16], rate: 0.125)
        do {
            let file = try File.create(path)
            let root = file.root
            try root.setAttribute("title", "Fashion-MNIST · ü")
            try root.setAttribute("fixed", "fixed text", fixedLength: true)
            try root.setAttribute("names", ["a", "", "ccc"])
            try root.setAttribute("count", Int64(60_000))
            try root.setAttribute("mean", [Float(0.286), 0.5])
            try root.setJSONAttribute("config", config)
            try root.setAttribute("count", Int64(10))          // replaces
            let dataset = try root.createDataset("x", values: [1, 2, 3] as [UInt8], shape: [3])
            try dataset.setAttribute("unit", "pixels")
        }
        let file = try File.open(path)
        let root = file.root
        #expect(try root.attributeNames() == ["config", "count", "fixed", "mean", "names", "title"])
        #expect(try root.stringAttribute("title") == "Fashion-MNIST · ü")
        #expect(try root.stringAttribute("fixed") == "fixed text")
        #expect(try root.attributeInfo("fixed").type == .string(variableLength: false))
        #expect(try root.attributeInfo("title").type == .string(variableLength: true))
        #expect(try root.stringArrayAttribute("names") == ["a", "", "ccc"])
        #expect(try root.scalarAttribute("count", as: Int64.self) == 10)
        #expect(try root.scalarAttribute("count", as: Double.self) == 10)
        #expect(try root.numericAttribute("mean", as: Float.self) == [0.286, 0.5])
        #expect(try root.attributeInfo("mean").shape == [2])
        #expect(try root.jsonAttribute("config", as: Config.self) == config)
        #expect(try root.stringAttribute("config") == #"{"name":"lenet5","rate":0.125,"widths":[6,16]}"#)
        #expect(try file.dataset("x").stringAttribute("unit") == "pixels")
        #expect(try root.attributeValue("names").description == #"["a", "", "ccc"]"#)
        #expect(try root.attributeValue("count").description == "10")
    }

    @Test func wrongAttributeKindsThrowNamingTheAttribute() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("wrong.h5")
        do {
            let root = try File.create(path).root
            try root.setAttribute("text", "not a number")
            try root.setAttribute("pair", [1, 2] as [Int32])
        }
        let root = try File.open(path).root
        let numberError = try #require(throws: HDF5Error.self) { try root.scalarAttribute("text", as: Float.self) }
        #expect(numberError.object == "/ attribute \"text\"")
        #expect(numberError.message.contains("expected a number"))
        let stringError = try #require(throws: HDF5Error.self) { try root.stringAttribute("pair") }
        #expect(stringError.message.contains("expected a string"))
        let scalarError = try #require(throws: HDF5Error.self) { try root.scalarAttribute("pair", as: Int32.self) }
        #expect(scalarError.message.contains("expected one"))
        let missing = try #require(throws: HDF5Error.self) { try root.stringAttribute("absent") }
        #expect(missing.file == path)
        #expect(missing.message == "no such attribute")
        let json = try #require(throws: HDF5Error.self) { try root.jsonAttribute("text", as: [Int].self) }
        #expect(json.message.contains("expected JSON"))
    }
}
