import { builder } from "./builder.js";
import "./entity.js";
import "./event.js";
import "./article.js";
import "./quote.js";
import "./figure.js";

export const schema = builder.toSchema({ sortSchema: true });
