"""What the extract_* scripts share: reading files from a bare git mirror of a peer's repository,
and writing a set of ids as ranges ("1-3,7") the way the decoder's JSON does."""
import subprocess


class Mirror:
    def __init__(self, git_dir):
        self.git_dir = git_dir

    def git(self, *args):
        return subprocess.run(["git", f"--git-dir={self.git_dir}", *args], capture_output=True, text=True, check=True).stdout

    def show(self, path):
        return self.git("show", f"HEAD:{path}")

    def commit(self):
        return self.git("rev-parse", "HEAD").strip()

    def files(self, under):
        return self.git("ls-tree", "-r", "--name-only", "HEAD", under).split()


def ranges(ids):
    out = []
    for i in sorted(set(ids)):
        if out and out[-1][1] + 1 == i:
            out[-1][1] = i
        else:
            out.append([i, i])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in out)
