echo -off
# The "churn" session (Tests/Fixtures/vars/README.md): FtChurn is added once, then rewritten 40
# times with one byte each, every value new (0x01..0x09, 0x10..0x40: the loop's decimal counter
# read as hex), so each setvar is a real update. VariableStoreTests counts on exactly that.
setvar FtChurn -guid ec1bc798-d0ee-4d12-934b-62d8055c3ded -nv -bs =0x00
for %a run (1 40)
  setvar FtChurn -guid ec1bc798-d0ee-4d12-934b-62d8055c3ded =0x%a
endfor
dmpstore FtChurn -guid ec1bc798-d0ee-4d12-934b-62d8055c3ded
reset -s
