// `fichesync-floor REPO`: the least work `fichesync check REPO` could do — the floor the
// benchmark compares it with. One thread: open the bare repository with libgit2, walk
// HEAD's `content/_*/` trees, read every `.md` blob, and run libyaml's event parser over its
// front matter (no tree built, no value resolved, no rule checked). Prints the files, the
// bytes and the events seen, so a run that read nothing cannot pass for fast.
import CGit2
import CYAML

#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    let line = "fichesync-floor: error: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(2)
}

/// The byte range of the front matter: after the opening `---` line, up to the next line
/// starting with `---`.
func frontMatter(_ bytes: UnsafeRawBufferPointer) -> Range<Int>? {
    guard bytes.count >= 4, bytes[0] == 0x2D, bytes[1] == 0x2D, bytes[2] == 0x2D else { return nil }
    var start = 3
    while start < bytes.count, bytes[start] != 0x0A { start += 1 }
    start += 1
    var line = start
    while line + 3 <= bytes.count {
        if bytes[line] == 0x2D, bytes[line + 1] == 0x2D, bytes[line + 2] == 0x2D { return start..<line }
        while line < bytes.count, bytes[line] != 0x0A { line += 1 }
        line += 1
    }
    return nil
}

/// libyaml events of one front matter (until the first document ends or an error).
func scan(_ bytes: UnsafeRawBufferPointer) -> Int {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1, let base = bytes.baseAddress else { return 0 }
    defer { yaml_parser_delete(&parser) }
    yaml_parser_set_input_string(&parser, base.assumingMemoryBound(to: UInt8.self), bytes.count)
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
    var event = yaml_event_t()
    var events = 0
    while yaml_parser_parse(&parser, &event) == 1 {
        let type = event.type
        yaml_event_delete(&event)
        events += 1
        if type == YAML_DOCUMENT_END_EVENT || type == YAML_STREAM_END_EVENT { break }
    }
    return events
}

let arguments = CommandLine.arguments
guard arguments.count == 2 else { fail("usage: fichesync-floor BARE_REPOSITORY") }
git_libgit2_init()
var repository: OpaquePointer?
guard git_repository_open_bare(&repository, arguments[1]) == 0 else { fail("cannot open \(arguments[1])") }
var head = git_oid()
guard git_reference_name_to_id(&head, repository, "HEAD") == 0 else { fail("no HEAD") }
var commit: OpaquePointer?
guard git_commit_lookup(&commit, repository, &head) == 0 else { fail("cannot read HEAD") }
var root: OpaquePointer?
guard git_commit_tree(&root, commit) == 0 else { fail("cannot read HEAD's tree") }
var contentEntry: OpaquePointer?
guard git_tree_entry_bypath(&contentEntry, root, "content") == 0 else { fail("no content/") }
var content: OpaquePointer?
guard git_tree_lookup(&content, repository, git_tree_entry_id(contentEntry)) == 0 else { fail("cannot read content/") }

var files = 0, bytes = 0, events = 0
for i in 0..<git_tree_entrycount(content) {
    guard let folder = git_tree_entry_byindex(content, i), git_tree_entry_type(folder) == GIT_OBJECT_TREE,
          let name = git_tree_entry_name(folder), name.pointee == UInt8(ascii: "_") else { continue }
    var subtree: OpaquePointer?
    guard git_tree_lookup(&subtree, repository, git_tree_entry_id(folder)) == 0 else { fail("cannot read a folder") }
    for j in 0..<git_tree_entrycount(subtree) {
        guard let file = git_tree_entry_byindex(subtree, j), git_tree_entry_type(file) == GIT_OBJECT_BLOB,
              let fileName = git_tree_entry_name(file), String(cString: fileName).hasSuffix(".md") else { continue }
        var blob: OpaquePointer?
        guard git_blob_lookup(&blob, repository, git_tree_entry_id(file)) == 0 else { fail("cannot read a blob") }
        let buffer = UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: Int(git_blob_rawsize(blob)))
        if let range = frontMatter(buffer) { events += scan(UnsafeRawBufferPointer(rebasing: buffer[range])) }
        files += 1
        bytes += buffer.count
        git_blob_free(blob)
    }
    git_tree_free(subtree)
}
print("files=\(files) bytes=\(bytes) events=\(events)")
