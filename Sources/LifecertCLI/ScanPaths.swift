import Foundation
import LifecertDocuments
import Synchronization

/// Files that expanding a folder found but refused, with the reason. They keep their place in the
/// list; ``readFile(_:limit:)`` throws the reason, so each is reported as UNREADABLE where it
/// stands and the run goes on with the next file.
enum RefusedPaths {
    static let reasons = Mutex<[String: ScanError]>([:])
    static func refuse(_ path: String, _ detail: String) { reasons.withLock { $0[path] = .unreadable(path, detail: detail) } }
    static func reason(_ path: String) -> ScanError? { reasons.withLock { $0[path] } }
}

/// What a folder entry is, seen from inside `root` (a folder's real path).
enum FolderEntry {
    case file
    case folder
    /// Not to be taken in; the reason, in words.
    case refused(String)
    /// A symbolic link to a folder inside `root`: not followed (its files are found by their own path).
    case skipped
}

/// One entry of a folder, never leading out of it: a symbolic link is followed only to a regular
/// file inside `root`; a link to anything outside, a link that leads nowhere (a loop, a missing
/// target), and anything that is not a regular file (a pipe, a socket, a device) are refused.
func classifyEntry(_ path: String, root: String) -> FolderEntry {
    var st = stat()
    guard lstat(path, &st) == 0 else { return .refused("it cannot be looked at: \(String(cString: strerror(errno)))") }
    switch st.st_mode & S_IFMT {
    case S_IFREG: return .file
    case S_IFDIR: return .folder
    case S_IFLNK:
        guard let target = realPath(path) else {
            return .refused("it is a symbolic link that leads nowhere (a loop of links, or its target is missing)")
        }
        if target == root { return .skipped }  // a link to the folder itself
        guard root == "/" || target.hasPrefix(root + "/") else {
            return .refused("it is a symbolic link to \(target), outside the folder \(root); name that file itself to take it in")
        }
        var ts = stat()
        guard stat(target, &ts) == 0 else { return .refused("it is a symbolic link whose target cannot be opened") }
        switch ts.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .skipped
        default: return .refused("it is a symbolic link to \(target), which is not a regular file (a pipe, a socket or a device)")
        }
    default:
        return .refused("it is not a regular file (a pipe, a socket or a device)")
    }
}

/// The names in a folder (hidden ones skipped), each as a path; a name that is not UTF-8 cannot
/// be opened through a Swift string, so it comes back refused under a readable spelling.
func listFolder(_ dir: String) -> [(path: String, refused: String?)]? {
    guard let d = opendir(dir) else { return nil }
    defer { closedir(d) }
    var out: [(String, String?)] = []
    while let e = readdir(d) {
        let bytes: [UInt8] = withUnsafeBytes(of: &e.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
        if bytes.isEmpty || bytes[0] == UInt8(ascii: ".") { continue }  // hidden files, "." and ".."
        if let name = String(validating: bytes, as: UTF8.self) {
            out.append(((dir as NSString).appendingPathComponent(name), nil))
        } else {
            let shown = (dir as NSString).appendingPathComponent(String(decoding: bytes, as: UTF8.self))
            out.append((shown, "its name is not UTF-8 text (shown with \u{FFFD} for the bytes that are not), so it cannot be opened by name; rename the file and take it in again"))
        }
    }
    return out
}

func realPath(_ path: String) -> String? {
    guard let r = realpath(path, nil) else { return nil }
    defer { free(r) }
    return String(cString: r)
}

/// The files named on the command line, folders expanded (sorted, hidden files skipped).
///
/// Inside a folder nothing leads out of it (``classifyEntry(_:root:)``): what is refused keeps
/// its place in the list and is reported with its reason when read. A file named on the command
/// line is taken as named.
func expandPaths(_ paths: [String]) throws -> [String] {
    var out: [String] = []
    for p in paths {
        var st = stat()
        guard stat(p, &st) == 0 else { throw fail("\(p) does not exist", .badInput) }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            out.append(p)
            continue
        }
        guard let root = realPath(p) else { throw fail("\(p) cannot be opened", .badInput) }
        var found: [String] = []
        func walk(_ dir: String) {
            guard let entries = listFolder(dir) else {
                RefusedPaths.refuse(dir, "the folder cannot be opened: \(String(cString: strerror(errno)))")
                found.append(dir)
                return
            }
            for (path, refused) in entries {
                if let refused {
                    RefusedPaths.refuse(path, refused)
                    found.append(path)
                    continue
                }
                switch classifyEntry(path, root: root) {
                case .file: found.append(path)
                case .folder: walk(path)
                case .skipped: break
                case .refused(let why):
                    RefusedPaths.refuse(path, why)
                    found.append(path)
                }
            }
        }
        walk(p)
        out += found.sorted()
    }
    return out
}

/// A scan's bytes. Only a regular file is read (a pipe or a device would never end), and never
/// more than `limit` bytes; a path refused while expanding a folder throws its reason.
func readFile(_ path: String, limit: Int = 512 << 20) throws -> [UInt8] {
    if let refused = RefusedPaths.reason(path) { throw refused }
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { throw ScanError.unreadable(path, detail: "the file cannot be opened: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
        throw ScanError.unreadable(path, detail: "it is not a regular file (a folder, a pipe, a socket or a device)")
    }
    let size = Int(st.st_size)
    guard size <= limit else { throw ScanError.unreadable(path, detail: "it is \(size >> 20) MiB, above the \(limit >> 20) MiB limit for one scan") }
    var bytes = [UInt8](repeating: 0, count: size)
    var got = 0
    while got < size {
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, size - got) }
        if n < 0 {
            if errno == EINTR { continue }
            throw ScanError.unreadable(path, detail: "reading it failed: \(String(cString: strerror(errno)))")
        }
        if n == 0 { break }  // the file shrank while it was read
        got += n
    }
    return got == size ? bytes : Array(bytes.prefix(got))
}
