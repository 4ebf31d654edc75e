import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readTerraformVersion, REQUIRED_TERRAFORM_VERSION, TERRAFORM_VERSION } from "../../stacks/terraform-version";

describe(".terraform-version", () => {
  it("names a release whose minor is at least 1.11, where the S3 backend's use_lockfile became generally available", () => {
    const [major, minor] = TERRAFORM_VERSION.split(".").map(Number);
    expect(major > 1 || (major === 1 && minor >= 11)).toBe(true);
    expect(REQUIRED_TERRAFORM_VERSION).toBe(`>= ${major}.${minor}`);
  });

  it("refuses anything but major.minor.patch, naming the file, the value and the rule", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "terraform-version-"));
    try {
      const file = path.join(dir, ".terraform-version");
      fs.writeFileSync(file, "~> 1.11\n");
      expect(() => readTerraformVersion(file)).toThrow(
        `${file}: "~> 1.11" is not a Terraform release; write major.minor.patch, such as 1.11.4`,
      );
      fs.writeFileSync(file, " 1.12.0 \n");
      expect(readTerraformVersion(file)).toBe("1.12.0");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
