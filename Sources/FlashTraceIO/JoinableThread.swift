// A thread of its own for work that runs beside the caller and is joined: reading a trace ahead
// (ReadAhead.swift), scanning a log's second half for its evidence. Not a dispatch queue: a
// busy global queue may hold the work back while the caller waits for it, and queue threads
// have small stacks where the general JSON parser may recurse.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public final class JoinableThread {
    private var thread = pthread_t()
    private var joined = false

    /// Starts `body` on a new thread; nil when none can be made (the caller then does the work
    /// itself). Until `join` returns, the caller must not touch what `body` uses: the join is
    /// what orders the two threads' memory accesses.
    public init?(_ body: @escaping () -> Void) {
        let box = Unmanaged.passRetained(Body(body))
        guard pthread_create(&thread, nil, { raw in
            Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, box.toOpaque()) == 0 else {
            box.release()
            return nil
        }
    }

    /// Waits for `body` to return.
    public func join() {
        guard !joined else { return }
        joined = true
        pthread_join(thread, nil)
    }

    deinit { join() }

    /// What the thread runs, as a closure: a C entry point cannot capture or be generic.
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }
}

/// Runs `background` on a thread of its own while the caller runs `foreground`, and returns
/// both results once both are done (`background` on the caller's thread when no thread can be
/// made). Each side's error is its own result.
public func concurrently<A, B>(_ background: @escaping () -> Result<A, any Error>,
                               _ foreground: () -> Result<B, any Error>) -> (Result<A, any Error>, Result<B, any Error>) {
    let slot = ResultSlot<A>()
    guard let thread = JoinableThread({ slot.value = background() }) else { return (background(), foreground()) }
    let b = foreground()
    thread.join()
    return (slot.value!, b)
}

/// Where the background side leaves its result (written before the join, read after it).
private final class ResultSlot<A> {
    var value: Result<A, any Error>?
}
