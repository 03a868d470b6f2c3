// The release `flashtrace --version` prints. scripts/package-deb.sh reads it from this line for
// the package's version (adding +gitDATE.HASH for builds of a commit), so it is kept here only.
enum FlashtraceVersion {
    static let release = "0.1.0"
}
