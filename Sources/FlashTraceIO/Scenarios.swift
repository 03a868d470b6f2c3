// Built-in scenarios: the op scripts in examples/, compiled in so `flashtrace record` works from
// anywhere. A test checks that examples/NAME.ops and these texts are identical.

public struct Scenario: Sendable {
    public let name: String
    public let summary: String
    public let text: String

    public static let defaultName = "edk2-varstore-update"

    public static func named(_ name: String) -> Scenario? { all.first { $0.name == name } }

    public static let all: [Scenario] = [
        Scenario(name: "edk2-varstore-update", summary: "EDK2-style variable-store update on virt flash1: probe, block erase, write-to-buffer, status polling", text: #"""
# EDK2-style variable-store update on the AArch64 virt machine (what AAVMF's NorFlashDxe and
# FaultTolerantWriteDxe do to flash1 during a boot that changes a variable).
# virt.flash1 is backed by a 768 KiB image (Debian's AAVMF_VARS.fd before padding), flash0 by 2 MiB.
# device: cfi01,name=virt.flash0,addr=0x0,num-blocks=256,sector-length=256K,width=4,device-width=2,max-device-width=2,id0=0x89,id1=0x18,readonly=on,backing-size=2M
# device: cfi01,name=virt.flash1,addr=0x4000000,num-blocks=256,sector-length=256K,width=4,device-width=2,max-device-width=2,id0=0x89,id1=0x18,backing-size=768K
#
# 1. probe: CFI query, the QRY signature and the device size, then back to read-array mode
writel 0x4000000 0x00980098
readl 0x4000040  # 'Q'
readl 0x4000044  # 'R'
readl 0x4000048  # 'Y'
readl 0x400009c  # device size 2^n
writel 0x4000000 0x00ff00ff
# 2. identifier: manufacturer and device codes
writel 0x4000000 0x00900090
readl 0x4000000
readl 0x4000004
writel 0x4000000 0x00ff00ff
# 3. read the variable store header in read-array mode (served from the array: no trace events)
readl 0x4000000
readl 0x4000004
readl 0x4000010
# 4. erase the spare block (block 1): lock status at offset 8, block erase, status poll
writel 0x4040008 0x00900090
readl 0x4040008  # block lock status
writel 0x4040000 0x00200020
writel 0x4040000 0x00d000d0
writel 0x4000000 0x00700070
readl 0x4000000  # status: ready
writel 0x4000000 0x00ff00ff
# 5. write-to-buffer programming: two 128-byte chunks (count 0x1F = 32 writes of 4 bytes)
writel 0x4040000 0x00e800e8
readl 0x4040000  # extended status: buffer available
writel 0x4040000 0x001f001f
writel 0x4040000 0x5f46565f
writel 0x4040004 0x60475760
writel 0x4040008 0x61485861
writel 0x404000c 0x62495962
writel 0x4040010 0x634a5a63
writel 0x4040014 0x644b5b64
writel 0x4040018 0x654c5c65
writel 0x404001c 0x664d5d66
writel 0x4040020 0x674e5e67
writel 0x4040024 0x684f5f68
writel 0x4040028 0x69506069
writel 0x404002c 0x6a51616a
writel 0x4040030 0x6b52626b
writel 0x4040034 0x6c53636c
writel 0x4040038 0x6d54646d
writel 0x404003c 0x6e55656e
writel 0x4040040 0x6f56666f
writel 0x4040044 0x70576770
writel 0x4040048 0x71586871
writel 0x404004c 0x72596972
writel 0x4040050 0x735a6a73
writel 0x4040054 0x745b6b74
writel 0x4040058 0x755c6c75
writel 0x404005c 0x765d6d76
writel 0x4040060 0x775e6e77
writel 0x4040064 0x785f6f78
writel 0x4040068 0x79607079
writel 0x404006c 0x7a61717a
writel 0x4040070 0x7b62727b
writel 0x4040074 0x7c63737c
writel 0x4040078 0x7d64747d
writel 0x404007c 0x7e65757e
writel 0x4040000 0x00d000d0
readl 0x4040000  # status after flush
writel 0x4000000 0x00ff00ff
writel 0x4040080 0x00e800e8
readl 0x4040080  # extended status: buffer available
writel 0x4040080 0x001f001f
writel 0x4040080 0x5f46665f
writel 0x4040084 0x60476760
writel 0x4040088 0x61486861
writel 0x404008c 0x62496962
writel 0x4040090 0x634a6a63
writel 0x4040094 0x644b6b64
writel 0x4040098 0x654c6c65
writel 0x404009c 0x664d6d66
writel 0x40400a0 0x674e6e67
writel 0x40400a4 0x684f6f68
writel 0x40400a8 0x69507069
writel 0x40400ac 0x6a51716a
writel 0x40400b0 0x6b52726b
writel 0x40400b4 0x6c53736c
writel 0x40400b8 0x6d54746d
writel 0x40400bc 0x6e55756e
writel 0x40400c0 0x6f56766f
writel 0x40400c4 0x70577770
writel 0x40400c8 0x71587871
writel 0x40400cc 0x72597972
writel 0x40400d0 0x735a7a73
writel 0x40400d4 0x745b7b74
writel 0x40400d8 0x755c7c75
writel 0x40400dc 0x765d7d76
writel 0x40400e0 0x775e7e77
writel 0x40400e4 0x785f7f78
writel 0x40400e8 0x79608079
writel 0x40400ec 0x7a61817a
writel 0x40400f0 0x7b62827b
writel 0x40400f4 0x7c63837c
writel 0x40400f8 0x7d64847d
writel 0x40400fc 0x7e65857e
writel 0x4040080 0x00d000d0
readl 0x4040080  # status after flush
writel 0x4000000 0x00ff00ff
# 6. word program of a state byte (1 -> 0 bits only, as FTW does over its own records)
writel 0x4040100 0x00400040
writel 0x4040100 0xfffffffe
readl 0x4040100  # status
writel 0x4000000 0x00ff00ff
# 7. verify in read-array mode, then clear the status register (OVMF/AAVMF idiom)
readl 0x4040000
readl 0x404007c
readl 0x4040100
writel 0x4000000 0x00500050
writel 0x4000000 0x00700070
readl 0x4000000  # status cleared: 0
writel 0x4000000 0x00ff00ff
"""# + "\n"),
        Scenario(name: "cfi02-program-erase", summary: "CFI02 (musicpal) session: autoselect, CFI query, sector erase with timers, programs, unlock bypass", text: #"""
# AMD/Fujitsu (CFI02) program and erase session on the musicpal board: autoselect, CFI query,
# sector erase with its 50 us window and 512 us busy time, word programs, unlock bypass.
# device: cfi02,name=musicpal.flash,addr=0xfe000000,num-blocks=128,sector-length=64K,width=2,mappings=4,id0=0xbf,id1=0x236d,unlock-addr0=0x5555,unlock-addr1=0x2aaa
# 1. autoselect: manufacturer and device id, then reset
writew 0xfe000aaa 0x00aa
writew 0xfe000554 0x0055
writew 0xfe000aaa 0x0090
readw 0xfe000000  # manufacturer 0xbf
readw 0xfe000002  # device 0x236d
writew 0xfe000000 0x00f0
# 2. CFI query from read mode (word 0x55), QRY and the region count, then reset
writew 0xfe0000aa 0x0098
readw 0xfe000020
readw 0xfe000022
readw 0xfe000024
readw 0xfe000058  # erase regions
writew 0xfe000000 0x00f0
# 3. sector erase of sector 1 (0x10000), poll DQ6 until the timers run out
writew 0xfe000aaa 0x00aa
writew 0xfe000554 0x0055
writew 0xfe000aaa 0x0080
writew 0xfe000aaa 0x00aa
writew 0xfe000554 0x0055
writew 0xfe010000 0x0030
readw 0xfe010000  # status, DQ3=0 inside the window
clock_step 50000
readw 0xfe010000  # status, DQ3=1
readw 0xfe010000  # DQ6 toggled
clock_step 512000
readw 0xfe010000  # erased: 0xffff
# 4. word programs into the erased sector, each followed by data polling
writew 0xfe000aaa 0x00aa
writew 0xfe000554 0x0055
writew 0xfe000aaa 0x00a0
writew 0xfe010000 0x1234
readw 0xfe010000
writew 0xfe000aaa 0x00aa
writew 0xfe000554 0x0055
writew 0xfe000aaa 0x00a0
writew 0xfe010002 0x5678
readw 0xfe010002
writew 0xfe000aaa 0x00aa
writew 0xfe000554 0x0055
writew 0xfe000aaa 0x00a0
writew 0xfe010004 0x9abc
readw 0xfe010004
# 5. unlock bypass: two programs with single-cycle commands, then the bypass reset
writew 0xfe000aaa 0x00aa
writew 0xfe000554 0x0055
writew 0xfe000aaa 0x0020
writew 0xfe000aaa 0x00a0
writew 0xfe010010 0xcafe
readw 0xfe010010
writew 0xfe000aaa 0x00a0
writew 0xfe010012 0xbeef
readw 0xfe010012
writew 0xfe000000 0x0090
writew 0xfe000000 0x0000
# 6. read back in array mode
readw 0xfe010000
readw 0xfe010002
readw 0xfe010004
"""# + "\n"),
    ]
}
