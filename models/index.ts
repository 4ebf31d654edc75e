/** The model this project builds and releases: its folder under models/ (docs/bring-your-own-model.md). */
export { default as MODEL } from "./abalone/model";
