import { useRunTempFolder } from "./temp-folder";

export default () => useRunTempFolder();
