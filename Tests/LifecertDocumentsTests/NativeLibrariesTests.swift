import Testing
@testable import LifecertDocuments

@Suite struct NativeLibrariesTests {
    @Test func everyCLibraryIsLinkedAndReportsItsVersion() {
        let names = NativeLibraries.versions().map(\.name)
        #expect(names == ["tesseract", "leptonica", "poppler-glib", "cairo"])
        for (name, version) in NativeLibraries.versions() {
            #expect(version.first?.isNumber == true, "\(name) reported '\(version)'")
        }
    }
}
