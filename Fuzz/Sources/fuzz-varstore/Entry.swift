import FuzzHarness

// libFuzzer target for Drivers.varStore (see FuzzHarness/Driver.swift for why main is defined here).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    Drivers.varStore(UnsafeBufferPointer(start: data, count: size))
    return 0
}

@_cdecl("fuzz_varstore_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv, fuzzOne)
}
