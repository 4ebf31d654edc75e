/**
 * The actions the GitHub workflows may use, as read in each action's own repository (a clone with
 * its tags, 2026-12-04): `git show <tag>:action.yml` says `runs.using: node24` at every tag of each
 * major listed, and `git rev-parse <tag>^{commit}` gave each release's commit. GitHub's runners
 * dropped Node 20 in September 2026: an action or major missing here is not known to run on Node 24.
 * To move to a newer release, read its action.yml and commit the same way and add it here.
 */
export interface Node24Action {
  /** Majors whose every tag's action.yml says `runs.using: node24`. */
  majors: string[];
  /** Releases a workflow may pin by commit: tag → the commit it points to. */
  releases: Record<string, string>;
}

export const NODE24_ACTIONS: Record<string, Node24Action> = {
  // github.com/actions/checkout: v5.0.0 to v7.0.1 say node24; v7.0.1 is commit 3d3c42e5.
  "actions/checkout": { majors: ["v5", "v6", "v7"], releases: { "v7.0.1": "3d3c42e5aac5ba805825da76410c181273ba90b1" } },
  // github.com/actions/setup-node: v5.0.0 to v7.0.0 say node24 (v4.4.0 says node20); v7.0.0 is commit 82076278.
  "actions/setup-node": { majors: ["v5", "v6", "v7"], releases: { "v7.0.0": "820762786026740c76f36085b0efc47a31fe5020" } },
  // github.com/actions/setup-python: v6.0.0 to v7.0.0 say node24 (v5.6.0 says node20); v7.0.0 is commit 5fda3b95.
  "actions/setup-python": { majors: ["v6", "v7"], releases: { "v7.0.0": "5fda3b95a4ea91299a34e894583c3862153e4b97" } },
  // github.com/actions/upload-artifact: v6.0.0 and v7.0.0 say node24 (v5.0.0 says node20); v7.0.0 is commit bbbca2dd.
  "actions/upload-artifact": { majors: ["v6", "v7"], releases: { "v7.0.0": "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f" } },
  // github.com/actions/download-artifact: v7.0.0 to v8.0.1 say node24 (v6.0.0 says node20); v8.0.1 is commit 3e5f45b2.
  "actions/download-artifact": { majors: ["v7", "v8"], releases: { "v8.0.1": "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c" } },
  // github.com/actions/github-script: v8.0.0 says node24 (v7.1.0 says node20); v8.0.0 is commit ed597411.
  "actions/github-script": { majors: ["v8"], releases: { "v8.0.0": "ed597411d8f924073f98dfc5c65a23a2325f34cd" } },
  // github.com/actions/cache: v5.0.0 to v5.0.5 say node24 (v4.3.0 says node20); v5.0.5 is commit 27d5ce7f.
  "actions/cache": { majors: ["v5"], releases: { "v5.0.5": "27d5ce7f107fe9357f9df03efb73ab90386fccae" } },
  // github.com/aws-actions/configure-aws-credentials: v6.0.0 to v6.2.3 say node24 (v5.1.1 says node20); v6.2.3 is commit e6de0542.
  "aws-actions/configure-aws-credentials": {
    majors: ["v6"],
    releases: { "v6.2.3": "e6de054238d6b7531b4efff3b6587d9aade6a06c" },
  },
  // github.com/hashicorp/setup-terraform: v4.0.0 and v4.0.1 say node24 (v3.1.2 says node20); v4.0.1 is commit dfe3c3f8.
  "hashicorp/setup-terraform": { majors: ["v4"], releases: { "v4.0.1": "dfe3c3f87815947d99a8997f908cb6525fc44e9e" } },
};
