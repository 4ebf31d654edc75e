import { checkRunTempFolder } from "./temp-folder";

export default () => checkRunTempFolder();
