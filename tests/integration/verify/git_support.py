"""What the git signature matrices share: git's environment for a scratch home and a command
runner that stops the matrix on an unexpected failure."""
import os
import subprocess
import sys


def git_env(home, **extra):
    """The environment for git under a scratch HOME: UTC, no system config, Alice as author and
    committer, plus `extra`."""
    return dict(os.environ, TZ="UTC", GIT_CONFIG_NOSYSTEM="1", HOME=home,
                GIT_AUTHOR_NAME="Alice", GIT_AUTHOR_EMAIL="alice@example.com",
                GIT_COMMITTER_NAME="Alice", GIT_COMMITTER_EMAIL="alice@example.com", **extra)


def runners(base_env, default_cwd):
    """(run, git): run(*args) runs a command in `default_cwd` with `base_env` and returns the
    completed process; with check (the default) a failure ends the matrix with its stderr."""
    def run(*args, cwd=default_cwd, check=True, stdin=None, env=None):
        result = subprocess.run(args, cwd=cwd, env=env or base_env, input=stdin,
                                capture_output=True)
        if check and result.returncode != 0:
            sys.exit("command failed: %s\n%s" % (" ".join(args), result.stderr.decode()))
        return result

    def git(*args, **kwargs):
        return run("git", *args, **kwargs)

    return run, git
