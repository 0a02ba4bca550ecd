import Foundation
import Testing
@testable import LifecertDomain

/// The JSON writer gives what JSONSerialization reads back as the same value.
@Suite struct JSONTextTests {
    @Test func roundTripsThroughFoundation() throws {
        let value: [String: Any] = ["b": 1, "a": "x\"y\\z\n\u{1}/周", "c": [true, false, NSNull(), 2.5, -3], "d": ["k": "v"], "e": Int64(7)]
        let text = JSONText.encode(value)
        #expect(text.hasPrefix("{\"a\":"))   // keys sorted
        #expect(text.contains("\\u0001") && text.contains("/周"))
        let back = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(back["a"] as? String == "x\"y\\z\n\u{1}/周")
        #expect((back["c"] as? [Any])?.count == 5 && back["e"] as? Int == 7)
        #expect(JSONText.encode(nil) == "null" && JSONText.encode(Double.nan) == "null" && JSONText.encode(45.7) == "45.7")
        let optional: String? = nil
        #expect(JSONText.encode(["x": optional as Any]) == #"{"x":null}"#)
    }
}
