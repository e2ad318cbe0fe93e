import CHDF5

/// Where an HDF5 call acts: the file's path and the object's path inside it, for error messages.
struct Site: Sendable {
    let file: String
    let object: String

    /// The site of a child object called `name` below this one.
    func child(_ name: String) -> Site {
        if name.hasPrefix("/") { return Site(file: file, object: name) }
        return Site(file: file, object: object == "/" ? "/" + name : object + "/" + name)
    }

    /// An error at this site that HDF5 did not raise (our own checks).
    func error(_ operation: String, _ message: String) -> HDF5Error {
        HDF5Error(operation: operation, file: file, object: object, message: message)
    }
}

/// The one gate through which every HDF5 call goes: silences HDF5's printing on the calling thread,
/// runs the call and turns a negative result into an `HDF5Error` carrying HDF5's error stack.
enum Library {
    /// Runs a call that returns an id (`hid_t`) and throws if it failed.
    static func id(_ operation: String, _ site: Site, _ call: () -> hid_t) throws -> hid_t {
        silence()
        let result = call()
        if result < 0 { throw site.error(operation, errorStackMessage()) }
        return result
    }

    /// Runs a call that returns a status (`herr_t`, `htri_t`, `int`) and throws if it is negative.
    @discardableResult
    static func status<R: BinaryInteger>(_ operation: String, _ site: Site, _ call: () -> R) throws -> R {
        silence()
        let result = call()
        if result < 0 { throw site.error(operation, errorStackMessage()) }
        return result
    }

    /// Switches HDF5's automatic error printing off for the calling thread (it is per-thread state).
    static func silence() {
        _ = pb_H5E_silence()
    }

    /// HDF5's current error stack as one line: the outermost message and the innermost detail.
    static func errorStackMessage() -> String {
        let stack = H5Eget_current_stack()
        guard stack >= 0 else { return "unknown HDF5 error" }
        defer { H5Eclose_stack(stack) }
        let collector = MessageCollector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        _ = H5Ewalk2(stack, H5E_WALK_DOWNWARD, { _, entry, context in
            guard let entry, let context, let description = entry.pointee.desc else { return 0 }
            let collector = Unmanaged<MessageCollector>.fromOpaque(context).takeUnretainedValue()
            collector.messages.append(String(cString: description))
            return 0
        }, context)
        let messages = collector.messages.filter { !$0.isEmpty }
        guard let first = messages.first else { return "unknown HDF5 error" }
        guard let last = messages.last, last != first else { return first }
        return first + " (" + last + ")"
    }
}

/// Accumulates error-stack descriptions during `H5Ewalk2`.
private final class MessageCollector {
    var messages: [String] = []
}

/// An HDF5 identifier that this process owns and closes exactly once, when the handle goes away.
final class Handle {
    /// What kind of identifier this is, which decides the close function.
    enum Kind { case file, group, dataset, attribute, dataspace, datatype, propertyList, object }

    let id: hid_t
    let kind: Kind

    init(_ id: hid_t, _ kind: Kind) {
        self.id = id
        self.kind = kind
    }

    deinit {
        Library.silence()
        switch kind {
        case .file: _ = H5Fclose(id)
        case .group: _ = H5Gclose(id)
        case .dataset: _ = H5Dclose(id)
        case .attribute: _ = H5Aclose(id)
        case .dataspace: _ = H5Sclose(id)
        case .datatype: _ = H5Tclose(id)
        case .propertyList: _ = H5Pclose(id)
        case .object: _ = H5Oclose(id)
        }
    }
}
